from apps.core.markdown import render_markdown
from apps.core.templatetags.portal import markdown_filter


def test_markdown_is_rendered_and_what_is_unsafe_removed():
    html = render_markdown("Looks **good** <script>alert(1)</script> [x](javascript:alert(2))")
    assert "<strong>good</strong>" in html
    assert "<script" not in html
    assert "javascript:" not in html


def test_one_text_leaves_nothing_behind_for_the_next():
    # The converter is reused between texts: a reference defined in one must not resolve in another.
    first = render_markdown("[docs]\n\n[docs]: https://example.org/first")
    second = render_markdown("[docs]")
    assert 'href="https://example.org/first"' in first
    assert "example.org" not in second
    assert render_markdown("```\ncode\n```\n\nafter") == render_markdown("```\ncode\n```\n\nafter")


def test_no_text_renders_as_nothing_so_a_default_can_show():
    assert render_markdown("") == ""
    assert render_markdown(None) == ""


def test_the_template_filter_renders_each_text_as_the_renderer_does_and_follows_an_edit():
    assert markdown_filter("Looks **good**") == render_markdown("Looks **good**")
    assert markdown_filter("Looks **good**") == render_markdown("Looks **good**")  # the second time from the cache
    assert "<em>fine</em>" in markdown_filter("Looks *fine*")
    assert markdown_filter("") == "" and markdown_filter(None) == ""

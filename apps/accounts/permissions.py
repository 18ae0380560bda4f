"""Who may do what, per product.

Every HTML view and every API view asks this module; nothing else decides
access. A person's rights in a product follow from their one membership role
there. Someone without a membership gets a 404 for anything in the product, so
its existence does not leak; a member whose role lacks a right gets a 403.

An API token scoped to one product (apps.accounts.authentication) narrows
this for its request: other products look like ones the person is not a
member of (404), and an action outside the token's list is a 403 even where
the role would allow it.
"""

from dataclasses import dataclass
from enum import StrEnum

from django.core.exceptions import PermissionDenied
from django.http import Http404

from apps.accounts.models import ApiToken, Membership, Role

PM = Role.PRODUCT_MANAGER
SM = Role.SCRUM_MASTER
MEMBER = Role.TEAM_MEMBER
STAKEHOLDER = Role.STAKEHOLDER

EVERYONE = frozenset(Role)
TEAM = frozenset({PM, SM, MEMBER})
LEADS = frozenset({PM, SM})


class Action(StrEnum):
    VIEW_PRODUCT = "view_product"
    EDIT_PRODUCT = "edit_product"
    VIEW_MEMBERS = "view_members"
    MANAGE_MEMBERS = "manage_members"
    # Backlog: the team adds items and works them (status, estimates, assignee,
    # ticking criteria, flagging blockers); PM and scrum master edit and order it.
    VIEW_BACKLOG = "view_backlog"
    ADD_BACKLOG_ITEM = "add_backlog_item"
    WORK_BACKLOG_ITEM = "work_backlog_item"
    EDIT_BACKLOG_ITEM = "edit_backlog_item"
    REORDER_BACKLOG = "reorder_backlog"
    # Stakeholder requests: members see their own and the product's public ones;
    # the team also sees private ones and internal notes; PMs decide.
    VIEW_REQUESTS = "view_requests"
    SUBMIT_REQUEST = "submit_request"
    VIEW_REQUEST_INTERNALS = "view_request_internals"
    VIEW_TRIAGE_INBOX = "view_triage_inbox"
    TRIAGE_REQUESTS = "triage_requests"
    # Sprints: stakeholders see none of their internals; the team works the
    # board and checks assumptions; PM and scrum master plan, start and close
    # sprints; the PM decides whether a product runs parallel sprints.
    VIEW_SPRINTS = "view_sprints"
    WORK_SPRINT = "work_sprint"
    PLAN_SPRINTS = "plan_sprints"
    ALLOW_PARALLEL_SPRINTS = "allow_parallel_sprints"
    VIEW_ASSUMPTIONS = "view_assumptions"
    RECORD_ASSUMPTIONS = "record_assumptions"
    # Happiness surveys: the team reads the aggregated reports (stakeholders
    # answer surveys but never see answers); PMs run surveys and act on them.
    VIEW_HAPPINESS_REPORTS = "view_happiness_reports"
    MANAGE_SURVEYS = "manage_surveys"
    # Roadmap: everyone sees the items shared with stakeholders (their public
    # description only); the team sees every item, its internal notes, links
    # and forecasts; the PM plans it.
    VIEW_SHARED_ROADMAP = "view_shared_roadmap"
    VIEW_ROADMAP = "view_roadmap"
    EDIT_ROADMAP = "edit_roadmap"
    # Delivery reports: the team reads reports and the live dashboard; the PM
    # runs the cadence and publishes a report's summary; everyone sees the
    # latest published summary (stakeholders nothing else of it).
    VIEW_DELIVERY_REPORTS = "view_delivery_reports"
    MANAGE_DELIVERY_REPORTS = "manage_delivery_reports"
    VIEW_PUBLISHED_DELIVERY = "view_published_delivery"
    # Outcome metrics and hypotheses: everyone sees the metrics and the
    # hypotheses published to stakeholders (statement, outcome, learning); the
    # team sees every hypothesis with its experiments and notes, records
    # experiments, metric readings (a pipeline's token too), feasibility and
    # release gate results; the PM owns hypotheses and their publishing, the
    # feasibility decision, the release gate checklist and the sign-off.
    RECORD_READINGS = "record_readings"
    VIEW_PUBLISHED_HYPOTHESES = "view_published_hypotheses"
    VIEW_HYPOTHESES = "view_hypotheses"
    MANAGE_HYPOTHESES = "manage_hypotheses"
    PUBLISH_HYPOTHESES = "publish_hypotheses"
    RECORD_EXPERIMENTS = "record_experiments"
    ASSESS_FEASIBILITY = "assess_feasibility"
    DECIDE_FEASIBILITY = "decide_feasibility"
    RECORD_GATE_RESULTS = "record_gate_results"
    MANAGE_RELEASE_GATES = "manage_release_gates"
    SIGN_OFF_RELEASES = "sign_off_releases"
    # Retrospectives: only the team sees them and takes part (writes cards,
    # groups, votes, answers the health check, records actions); PM and scrum
    # master facilitate by default and may hand a retro to anyone in the team
    # (that hand-over is a row-level rule: apps/retros/access.py).
    VIEW_RETROS = "view_retros"
    TAKE_PART_IN_RETRO = "take_part_in_retro"
    FACILITATE_RETRO = "facilitate_retro"


POLICY: dict[Action, frozenset[Role]] = {
    Action.VIEW_PRODUCT: EVERYONE,
    Action.EDIT_PRODUCT: frozenset({PM}),
    Action.VIEW_MEMBERS: TEAM,
    Action.MANAGE_MEMBERS: frozenset({PM}),
    Action.VIEW_BACKLOG: TEAM,
    Action.ADD_BACKLOG_ITEM: TEAM,
    Action.WORK_BACKLOG_ITEM: TEAM,
    Action.EDIT_BACKLOG_ITEM: LEADS,
    Action.REORDER_BACKLOG: LEADS,
    Action.VIEW_REQUESTS: EVERYONE,
    Action.SUBMIT_REQUEST: EVERYONE,
    Action.VIEW_REQUEST_INTERNALS: TEAM,
    Action.VIEW_TRIAGE_INBOX: LEADS,
    Action.TRIAGE_REQUESTS: frozenset({PM}),
    Action.VIEW_SPRINTS: TEAM,
    Action.WORK_SPRINT: TEAM,
    Action.PLAN_SPRINTS: LEADS,
    Action.ALLOW_PARALLEL_SPRINTS: frozenset({PM}),
    Action.VIEW_ASSUMPTIONS: TEAM,
    Action.RECORD_ASSUMPTIONS: TEAM,
    Action.VIEW_HAPPINESS_REPORTS: TEAM,
    Action.MANAGE_SURVEYS: frozenset({PM}),
    Action.VIEW_SHARED_ROADMAP: EVERYONE,
    Action.VIEW_ROADMAP: TEAM,
    Action.EDIT_ROADMAP: frozenset({PM}),
    Action.RECORD_READINGS: TEAM,
    Action.VIEW_PUBLISHED_HYPOTHESES: EVERYONE,
    Action.VIEW_HYPOTHESES: TEAM,
    Action.MANAGE_HYPOTHESES: frozenset({PM}),
    Action.PUBLISH_HYPOTHESES: frozenset({PM}),
    Action.RECORD_EXPERIMENTS: TEAM,
    Action.ASSESS_FEASIBILITY: TEAM,
    Action.DECIDE_FEASIBILITY: frozenset({PM}),
    Action.RECORD_GATE_RESULTS: TEAM,
    Action.MANAGE_RELEASE_GATES: frozenset({PM}),
    Action.SIGN_OFF_RELEASES: frozenset({PM}),
    Action.VIEW_RETROS: TEAM,
    Action.TAKE_PART_IN_RETRO: TEAM,
    Action.FACILITATE_RETRO: LEADS,
    Action.VIEW_DELIVERY_REPORTS: TEAM,
    Action.MANAGE_DELIVERY_REPORTS: frozenset({PM}),
    Action.VIEW_PUBLISHED_DELIVERY: EVERYONE,
}


@dataclass(frozen=True)
class TokenScope:
    """What a product-scoped API token may do: these actions, in this product only."""

    product_id: int
    actions: frozenset[Action]


def token_scope(token: ApiToken) -> TokenScope | None:
    """A token's scope, or None for a token with all of its owner's rights.
    Seeing the product itself always comes with a scoped token."""
    if token.product_id is None:
        return None
    known = {action.value for action in Action}
    actions = frozenset(Action(name) for name in token.actions if name in known) | {Action.VIEW_PRODUCT}
    return TokenScope(product_id=token.product_id, actions=actions)


def limit_to_scope(user, scope: TokenScope | None) -> None:
    """For the rest of this request, `user` acts through a token with this scope."""
    user._token_scope = scope


def scope_of(user) -> TokenScope | None:
    return getattr(user, "_token_scope", None)


@dataclass(frozen=True)
class MemberOf:
    """One of the user's products as the header's product menu shows it."""

    product_id: int
    role: Role
    name: str
    slug: str


def roles_of(user) -> dict[int, Role]:
    """The user's role in each of their products, keyed by product id (only
    the token's product when acting through a scoped token).

    Loaded with one query and kept on the user object for the request, so a
    page that checks many objects does not query once per check.
    """
    if not user.is_authenticated:
        return {}
    cached = getattr(user, "_product_roles", None)
    if cached is None:
        cached = _load_memberships(user)
    scope = scope_of(user)
    if scope is not None:
        return {product_id: role for product_id, role in cached.items() if product_id == scope.product_id}
    return cached


def products_of(user) -> list[MemberOf]:
    """The user's products by name with their role: the same one query as
    `roles_of` (a page checks a role and shows the product menu at once)."""
    if not user.is_authenticated:
        return []
    if getattr(user, "_product_memberships", None) is None:
        _load_memberships(user)
    allowed = roles_of(user)
    return [membership for membership in user._product_memberships if membership.product_id in allowed]


def _load_memberships(user) -> dict[int, Role]:
    rows = (
        Membership.objects.filter(user=user)
        .order_by("product__name", "product_id")
        .values_list("product_id", "role", "product__name", "product__slug")
    )
    user._product_memberships = [MemberOf(pk, Role(role), name, slug) for pk, role, name, slug in rows]
    user._product_roles = {membership.product_id: membership.role for membership in user._product_memberships}
    return user._product_roles


def forget_roles(user) -> None:
    """Drop the cached roles after the user's memberships changed."""
    user.__dict__.pop("_product_roles", None)
    user.__dict__.pop("_product_memberships", None)
    user.__dict__.pop("_role_in_product", None)


def note_role(user, product_id: int, role: str | None) -> None:
    """Keep, for this request, the user's role in one product read together
    with the product (apps.products.access.get_product: one query for both),
    so that checking it needs no query of its own. Everything else (the
    product menu, `roles_of`, other products) still reads every membership."""
    if user.is_authenticated:
        user.__dict__.setdefault("_role_in_product", {})[product_id] = None if role is None else Role(role)


def role_in(user, product) -> Role | None:
    product_id = _product_id(product)
    noted = getattr(user, "_role_in_product", None)
    if noted is not None and product_id in noted and getattr(user, "_product_roles", None) is None:
        scope = scope_of(user)
        return noted[product_id] if scope is None or scope.product_id == product_id else None
    return roles_of(user).get(product_id)


def can(user, action: Action, product) -> bool:
    role = role_in(user, product)
    return role is not None and role in POLICY[action] and _token_allows(user, action)


def require(user, action: Action, product) -> Role:
    """Raise Http404 for non-members and PermissionDenied for a missing right."""
    role = role_in(user, product)
    if role is None:
        raise Http404("No such product.")
    if role not in POLICY[action]:
        raise PermissionDenied(f"Your role ({role.label}) may not do this.")
    if not _token_allows(user, action):
        raise PermissionDenied(f"This API token is not allowed to {str(action).replace('_', ' ')}.")
    return role


def product_ids_where(user, action: Action) -> list[int]:
    if not _token_allows(user, action):
        return []
    allowed = POLICY[action]
    return [product_id for product_id, role in roles_of(user).items() if role in allowed]


# --- Site-level rights (not tied to a product) --------------------------------

PRODUCT_CREATION_REFUSED = "Only site staff and the people they allow may create products; ask a site administrator."


def may_create_products(user) -> bool:
    """Who may create a product (and become its product manager): site staff,
    and people the site allows with the "products.add_product" permission,
    given in the admin to a person or a group. Never through a product-scoped token."""
    if not user.is_authenticated or scope_of(user) is not None:
        return False
    return bool(user.is_staff or user.has_perm("products.add_product"))


def require_product_creation(user) -> None:
    if not may_create_products(user):
        raise PermissionDenied(PRODUCT_CREATION_REFUSED)


def allows(role: Role | None, action: str) -> bool:
    """For templates: may a member with this role do `action`?"""
    return role is not None and role in POLICY[Action(action)]


def _token_allows(user, action: Action) -> bool:
    scope = scope_of(user)
    return scope is None or action in scope.actions


def _product_id(product) -> int:
    return product if isinstance(product, int) else product.pk

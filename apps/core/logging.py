import logging


class WithoutExpectedTracebacks(logging.Filter):
    """A refusal (400, 403, 404, 409) is an answer, not a fault: log its one
    line, never a traceback that buries real errors."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "status_code", None) in (400, 403, 404, 409):
            record.exc_info = None
            record.exc_text = None
        return True

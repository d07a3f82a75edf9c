"""The single exception type raised by the protocol package.

Everything that can go wrong while building topics or decoding/encoding messages is
reported as a :class:`ProtocolError` carrying a machine-readable :class:`DecodeReason`,
so callers (the hub ingest loop in particular) can count and route failures by reason
without string matching and without catching a zoo of library exceptions.
"""

from __future__ import annotations

from enum import StrEnum

__all__ = ["DecodeReason", "ProtocolError", "TopicError"]


class DecodeReason(StrEnum):
    """Why a topic or payload was refused; stable values suitable for metric labels."""

    OVERSIZE = "oversize"
    NOT_JSON = "not_json"
    UNKNOWN_TYPE = "unknown_type"
    UNKNOWN_VERSION = "unknown_version"
    SCHEMA_VIOLATION = "schema_violation"
    TOPIC_MISMATCH = "topic_mismatch"
    BAD_TOPIC = "bad_topic"


_HINTS: dict[DecodeReason, str] = {
    DecodeReason.OVERSIZE: "split the batch or truncate output below the size limit",
    DecodeReason.NOT_JSON: "send a UTF-8 JSON object with finite numbers and unique keys",
    DecodeReason.UNKNOWN_TYPE: "set 'type' to one of the message types in protocol.messages",
    DecodeReason.UNKNOWN_VERSION: "set 'v' to one of protocol.SUPPORTED_VERSIONS",
    DecodeReason.SCHEMA_VIOLATION: "fix the field named by the path (see protocol/schema/)",
    DecodeReason.TOPIC_MISMATCH: "publish on the topic of your own agent id and the "
    "message's channel",
    DecodeReason.BAD_TOPIC: "use protocol.topics.build(); agent ids match "
    "[a-z0-9][a-z0-9._-]{0,62}",
}


class ProtocolError(Exception):
    """A refused topic or message.

    ``reason`` is the stable category, ``detail`` a human explanation and ``path`` the
    dotted location of the offending field (``samples.3.value``) when one is known.
    """

    def __init__(self, reason: DecodeReason, detail: str, path: str | None = None) -> None:
        # Passing all args to Exception keeps the error picklable across process pools.
        super().__init__(reason, detail, path)
        self.reason = DecodeReason(reason)
        self.detail = detail
        self.path = path

    @property
    def hint(self) -> str:
        """A short suggestion for how a sender fixes this class of error."""
        return _HINTS[self.reason]

    def __str__(self) -> str:
        where = f" at {self.path}" if self.path else ""
        # Newlines in details (e.g. echoed payload text) would break one-line log records.
        detail = " ".join(self.detail.split())
        return f"{self.reason.value}{where}: {detail} (hint: {self.hint})"

    def __repr__(self) -> str:
        return f"ProtocolError({self.reason.value!r}, {self.detail!r}, path={self.path!r})"


class TopicError(ProtocolError):
    """A malformed topic or agent id; always has reason ``bad_topic``.

    It subclasses :class:`ProtocolError` so ``except ProtocolError`` covers everything.
    """

    def __init__(self, detail: str, path: str | None = None) -> None:
        super().__init__(DecodeReason.BAD_TOPIC, detail, path)
        # Keep args matching this subclass's signature so pickling round-trips.
        self.args = (detail, path)

"""Page tokens as the caller sees them: the domain's token sealed with a keyed MAC (AIP-158).

The domain's token (``inspection.domain.paging``) carries the last key of a page and a digest of
the query; this seal makes it one only this service can issue. ``open`` checks the length first,
then the MAC over the method and the token, before anything is decoded — a forged, edited or
foreign token (another deployment's, another method's) is refused as ``INVALID_ARGUMENT`` without
its content ever being parsed, so no crafted JSON or outsized key reaches the service.

The MAC key is derived from the token-signing key, so rotating that key also retires every page
token: a caller then starts its listing again from the first page.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac

from inspection.errors import FieldViolation, InvalidArgument

#: The longest page token accepted; the service's own are well under it.
MAX_PAGE_TOKEN = 512
#: Bytes of HMAC-SHA256 kept in a token (128 bits).
MAC_BYTES = 16
_LABEL = b"inspection.onecard page token v1"


def _refused(description: str) -> InvalidArgument:
    return InvalidArgument([FieldViolation("page_token", description)])


class PageTokenSeal:
    """Seals outgoing page tokens and opens incoming ones, for one signing key."""

    def __init__(self, signing_key: str) -> None:
        self._key = hmac.new(signing_key.encode(), _LABEL, hashlib.sha256).digest()

    def _mac(self, method: str, token: str) -> bytes:
        message = method.encode() + b"\n" + token.encode()
        return hmac.new(self._key, message, hashlib.sha256).digest()[:MAC_BYTES]

    def seal(self, method: str, token: str) -> str:
        """The token as sent to the caller: the domain's token, a dot, and its MAC."""
        if not token:
            return ""
        mac = base64.urlsafe_b64encode(self._mac(method, token)).decode().rstrip("=")
        return f"{token}.{mac}"

    def open(self, method: str, sealed: str) -> str:
        """The domain's token inside ``sealed``, if this service issued it for ``method``."""
        if not sealed:
            return ""
        if len(sealed) > MAX_PAGE_TOKEN:
            raise _refused(f"must be at most {MAX_PAGE_TOKEN} characters")
        token, dot, mac_text = sealed.rpartition(".")
        try:
            mac = base64.urlsafe_b64decode(mac_text + "=" * (-len(mac_text) % 4))
        except (binascii.Error, ValueError):
            mac = b""
        if not dot or not token.isascii() or not hmac.compare_digest(mac, self._mac(method, token)):
            raise _refused("not a token this service issued for this method")
        return token

"""The pushed configuration document: packing, hashing and every refusal of `unpack`."""

from __future__ import annotations

import base64
import hashlib
import json
import uuid
import zlib
from datetime import UTC, datetime

import pytest

from protocol import ConfigAck, ConfigPush, decode, encode
from protocol.edge_config import (
    MAX_DEVICES,
    ConfigDocumentError,
    ConfigErrorCode,
    EdgeConfig,
    PushedDevice,
    SnmpV2cCredential,
    SnmpV3Credential,
    SshCredential,
    canonical_json,
    content_hash,
    pack,
    unpack,
)


def _config(devices: int = 3) -> EdgeConfig:
    snmp = SnmpV2cCredential(id=uuid.uuid4(), community="c0mmunity")
    return EdgeConfig(
        devices=[PushedDevice(id=uuid.uuid4(), name=f"sw-{n}", host=f"10.0.{n // 250}.{n % 250}",
                              profile="cisco_ios", snmp_credential=snmp.id)
                 for n in range(devices)],
        credentials=[snmp, SnmpV3Credential(id=uuid.uuid4(), user="noc", auth_proto="SHA",
                                            auth_key="authpass1", priv_proto="AES",
                                            priv_key="privpass1"),
                     SshCredential(id=uuid.uuid4(), username="ops", password="pw")])


def _blob(raw: bytes) -> str:
    return base64.b64encode(zlib.compress(raw)).decode()


def test_pack_round_trips_and_hash_is_of_the_canonical_json() -> None:
    config = _config()
    blob, digest = pack(config)
    assert unpack(blob, digest) == config
    assert digest == content_hash(config)
    assert json.loads(canonical_json(config)) == config.model_dump(mode="json")


def test_the_hash_ignores_nothing_a_change_of_one_secret_changes_it() -> None:
    config = _config()
    rotated = config.model_copy(update={"credentials": [
        config.credentials[0].model_copy(update={"community": "rotated"}),
        *config.credentials[1:]]})
    assert content_hash(rotated) != content_hash(config)


def test_two_thousand_devices_fit_one_message() -> None:
    config = _config(2000)
    blob, digest = pack(config)
    push = ConfigPush(agent_id="pop-1", seq=1, ts=datetime(2026, 12, 5, tzinfo=UTC),
                      config_version=1, content_hash=digest, document=blob)
    assert len(encode(push)) < 200 * 1024, "leave room below the 256 KiB message limit"
    decoded = decode(encode(push))
    assert isinstance(decoded, ConfigPush)
    assert len(unpack(decoded.document, decoded.content_hash).devices) == 2000


@pytest.mark.parametrize(("blob", "code"), [
    ("not base64 at all!", ConfigErrorCode.BAD_DOCUMENT),
    (base64.b64encode(b"not zlib").decode(), ConfigErrorCode.BAD_DOCUMENT),
    (_blob(b"[1, 2"), ConfigErrorCode.BAD_DOCUMENT),
    (_blob(b'{"devices": [{"id": "x"}]}'), ConfigErrorCode.INVALID),
    (_blob(b'{"devices": [], "surprise": 1}'), ConfigErrorCode.INVALID),
])
def test_corrupt_documents_are_refused(blob: str, code: str) -> None:
    raw = zlib.decompress(base64.b64decode(blob)) if code != ConfigErrorCode.BAD_DOCUMENT \
        else b""
    digest = hashlib.sha256(raw).hexdigest() if raw else "0" * 64
    with pytest.raises(ConfigDocumentError) as info:
        unpack(blob, digest)
    assert info.value.code == code


def test_a_hash_that_does_not_match_is_refused() -> None:
    blob, _digest = pack(_config())
    with pytest.raises(ConfigDocumentError) as info:
        unpack(blob, "f" * 64)
    assert info.value.code == ConfigErrorCode.BAD_DOCUMENT
    assert "hash" in info.value.detail


def test_a_zip_bomb_is_refused_before_it_is_inflated_fully() -> None:
    bomb = base64.b64encode(zlib.compress(b" " * (64 * 1024 * 1024), 9)).decode()
    assert len(bomb) < 200_000  # small on the wire...
    with pytest.raises(ConfigDocumentError) as info:
        unpack(bomb, "0" * 64, max_bytes=1024 * 1024)  # ...refused at the inflate bound
    assert info.value.code == ConfigErrorCode.OVERSIZE


def test_too_many_devices_is_oversize() -> None:
    device = {"id": str(uuid.uuid4()), "name": "d", "host": "10.0.0.1"}
    raw = json.dumps({"devices": [device] * (MAX_DEVICES + 1)}).encode()
    with pytest.raises(ConfigDocumentError) as info:
        unpack(_blob(raw), hashlib.sha256(raw).hexdigest())
    assert info.value.code == ConfigErrorCode.OVERSIZE


def test_ack_requires_an_error_code_exactly_when_rejected() -> None:
    base = {"agent_id": "pop-1", "seq": 1, "ts": "2026-12-05T00:00:00Z", "config_version": 3}
    with pytest.raises(ValueError, match="error_code"):
        ConfigAck.model_validate({**base, "status": "rejected"}, strict=False)
    with pytest.raises(ValueError, match="error_code"):
        ConfigAck.model_validate({**base, "status": "applied", "error_code": "invalid"},
                                 strict=False)
    ack = ConfigAck.model_validate({**base, "status": "rejected", "error_code": "stale_version"},
                                   strict=False)
    assert ack.error_code == ConfigErrorCode.STALE_VERSION

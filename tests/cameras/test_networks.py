"""The camera networks allow-list: what a camera URL may point at (SSRF guard)."""

from __future__ import annotations

import pytest

from camroute.cameras.networks import CameraNetworks, literal_address
from camroute.settings import Settings

DEFAULT = Settings(_env_file=None).camera_allow_list()  # type: ignore[call-arg]


@pytest.mark.parametrize(
    ("host", "address"),
    [
        ("127.0.0.1", "127.0.0.1"),
        ("0x7f000001", "127.0.0.1"),  # hex
        ("0177.0.0.1", "127.0.0.1"),  # octal
        ("2130706433", "127.0.0.1"),  # one decimal number
        ("127.1", "127.0.0.1"),  # short form
        ("0x7f.1", "127.0.0.1"),
        ("[::1]", "::1"),
        ("::ffff:127.0.0.1", "127.0.0.1"),  # IPv4-mapped IPv6 is checked as IPv4
        ("[::ffff:a9fe:a9fe]", "169.254.169.254"),
        ("10.0.0.5", "10.0.0.5"),
        ("cam-7.example", None),
        ("metadata.google.internal", None),  # a name: checked after resolution
        ("1e100.net", None),
    ],
)
def test_literal_address_reads_every_form_a_resolver_accepts(host, address) -> None:
    found = literal_address(host)
    assert (None if found is None else str(found)) == address


@pytest.mark.parametrize(
    ("address", "allowed"),
    [
        ("10.1.2.3", True),
        ("172.16.0.9", True),
        ("172.32.0.1", False),  # just outside 172.16.0.0/12
        ("192.168.1.64", True),
        ("100.64.0.7", True),
        ("fd12:3456::7", True),
        ("127.0.0.1", False),  # loopback: the app itself
        ("127.255.255.254", False),
        ("::1", False),
        ("169.254.169.254", False),  # cloud metadata
        ("169.254.10.10", False),  # link-local
        ("fe80::1", False),
        ("fd00:ec2::254", False),  # AWS metadata over IPv6, inside fc00::/7
        ("100.100.100.200", False),  # Alibaba metadata, inside 100.64.0.0/10
        ("0.0.0.0", False),  # reaches loopback on Linux
        ("8.8.8.8", False),  # public: only when listed
        ("::ffff:10.0.0.5", True),
        ("::ffff:127.0.0.1", False),
    ],
)
def test_default_camera_networks(address, allowed) -> None:
    assert (DEFAULT.refusal(address) is None) is allowed


def test_metadata_and_this_host_are_refused_even_when_everything_is_listed() -> None:
    everything = CameraNetworks.of(["0.0.0.0/0", "::/0"])
    assert everything.refusal("8.8.8.8") is None
    assert everything.refusal("127.0.0.1") is None
    for address in ("169.254.169.254", "fd00:ec2::254", "100.100.100.200", "0.0.0.0", "::"):
        assert "never a camera" in str(everything.refusal(address))


def test_public_addresses_are_allowed_when_listed() -> None:
    nets = CameraNetworks.of(["203.0.113.0/24"])
    assert nets.refusal("203.0.113.9") is None
    assert nets.refusal("203.0.114.9") is not None


def test_camera_networks_come_from_the_environment_as_a_comma_list(monkeypatch) -> None:
    monkeypatch.setenv("CAMROUTE_CAMERA_NETWORKS", "127.0.0.0/8, 203.0.113.0/24")
    nets = Settings(_env_file=None).camera_allow_list()  # type: ignore[call-arg]
    assert nets.refusal("127.0.0.1") is None
    assert nets.refusal("10.0.0.1") is not None


def test_a_bad_network_is_a_settings_error(monkeypatch) -> None:
    monkeypatch.setenv("CAMROUTE_CAMERA_NETWORKS", "10.0.0.1/8")  # host bits set
    with pytest.raises(ValueError, match="camera_networks"):
        Settings(_env_file=None)  # type: ignore[call-arg]

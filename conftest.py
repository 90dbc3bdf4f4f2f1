"""Root pytest configuration: what doctest collection must skip."""

collect_ignore_glob = ["src/camroute/store/migrations/*"]

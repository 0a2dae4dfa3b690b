"""`pmlint app`: start the Streamlit app (a thin wrapper over `streamlit run` with the packaged app).

    pmlint app                      # http://localhost:8501, opens a browser tab
    pmlint app --port 8600 --headless --config team.pmlint.yaml
    pmlint app --server.port 8611 --server.headless true     # Streamlit's own options work too

The app needs the `app` extra (`pip install "pmlint[app]"`: Streamlit, pandas, altair); without
it the command says so and exits with status 2. Streamlit's `--section.option VALUE` (or
`--section.option=VALUE`) options are passed through, after pmlint's defaults, so they win.

The configuration is checked before Streamlit starts (a broken .pmlint.yaml exits with status 2
and a message, not a half-started server). The configuration file reaches the app through the
PMLINT_CONFIG environment variable; usage statistics are off and the
server listens on localhost unless a Streamlit option on the command line says otherwise.

Streamlit puts the directory of the script it runs first on `sys.path`. Running
`analyzer/app/main.py` itself would let the package's modules shadow top-level modules of the
same name, so the command runs a two-line launcher from a temporary folder that imports
`analyzer.app.main`.
"""

from __future__ import annotations

import argparse
import math
import os
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

from analyzer.config import load_config
from analyzer.errors import PmlintError
from analyzer.findings import ExitStatus

LAUNCHER = '"""Started by `pmlint app`: runs the packaged pmlint app."""\nfrom analyzer.app.main import main\n\nmain()\n'
CONFIG_ENV = "PMLINT_CONFIG"  # the same name analyzer.app.state reads (kept here so the CLI never imports streamlit)
APP_LIBRARIES = ("streamlit", "pandas", "altair")
INSTALL_HINT = 'pip install "pmlint[app]"'
STREAMLIT_SECTIONS = ("server", "browser", "client", "theme", "runner", "logger", "global", "magic", "mapbox")


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("app", help="open the review app in the browser (Streamlit)")
    p.add_argument("--port", type=int, default=8501, help="port to serve on (default 8501)")
    p.add_argument("--address", default="localhost", help="address to listen on (default localhost; 0.0.0.0 to share)")
    p.add_argument("--headless", action="store_true", help="do not open a browser tab (servers, containers)")
    p.add_argument("--config", metavar="FILE", help="configuration file (default: nearest .pmlint.yaml or [tool.pmlint])")
    p.set_defaults(func=cmd_app)


def streamlit_options(extra: list[str]) -> dict[str, str]:
    """Streamlit's own options from the command line (`--server.port 8611`, `--server.port=8611`),
    as {"server.port": "8611"}; anything else is a usage error that says what is accepted."""
    options: dict[str, str] = {}
    i = 0
    while i < len(extra):
        token = extra[i]
        name, eq, value = token[2:].partition("=") if token.startswith("--") else ("", "", "")
        section = name.split(".", 1)[0]
        if "." not in name or section not in STREAMLIT_SECTIONS:
            raise PmlintError(
                f"app: unrecognised argument {token!r}. pmlint's options: --port, --address, --headless, "
                "--config; Streamlit's options are passed through as --server.port 8611 or --server.port=8611 "
                f"(sections: {', '.join(STREAMLIT_SECTIONS)})")
        if not eq:
            if i + 1 >= len(extra) or extra[i + 1].startswith("--"):
                raise PmlintError(f"app: {token} needs a value (e.g. {token} true)")
            i += 1
            value = extra[i]
        options[name] = value
        i += 1
    return options


def streamlit_command(app: Path, *, port: int, address: str, headless: bool, max_upload_mb: float,
                      extra: dict[str, str] | None = None) -> list[str]:
    """The `streamlit run` command line for the packaged app: pmlint's defaults (localhost, no
    usage statistics), then Streamlit options given on pmlint's command line."""
    options = {
        "server.port": str(port),
        "server.address": address,
        "server.headless": "true" if headless else "false",
        "server.maxUploadSize": str(max(1, math.ceil(max_upload_mb * 1024 * 1024 / 1_000_000))),  # its MB are 10^6 bytes
        "server.fileWatcherType": "none",
        "browser.gatherUsageStats": "false",
        "client.toolbarMode": "minimal",
        "client.showErrorDetails": _hide_error_details(),
        **(extra or {}),
    }
    cmd = [sys.executable, "-m", "streamlit", "run", str(app)]
    for name, value in options.items():
        cmd += [f"--{name}", value]
    return cmd


def missing_app_libraries() -> list[str]:
    from importlib.util import find_spec

    def missing(name: str) -> bool:
        try:
            return find_spec(name) is None
        except (ImportError, ValueError):  # a broken or blocked install counts as missing
            return True

    return [name for name in APP_LIBRARIES if missing(name)]


def _hide_error_details() -> str:
    """The value of client.showErrorDetails that shows no traceback: "none" where Streamlit takes
    a level (the boolean false is deprecated there and means "stacktrace"), else false."""
    try:
        from streamlit import config as st_config

        option = st_config.get_config_options()["client.showErrorDetails"]
        return "none" if isinstance(option.default_val, str) else "false"
    except Exception:  # noqa: BLE001 - any doubt: the old boolean form
        return "false"


def cmd_app(args: argparse.Namespace) -> ExitStatus:
    extra = streamlit_options(getattr(args, "extra", None) or [])
    missing = missing_app_libraries()
    if missing:
        print(f"pmlint app: the app needs {', '.join(missing)}, which this install does not have (the light "
              f"install is for check, score, cluster, similar, train, evaluate). Install the app extra: {INSTALL_HINT}",
              file=sys.stderr, flush=True)
        return ExitStatus.USAGE
    config = load_config(args.config, search_from=".")  # ConfigError -> exit status 2 with the message
    env = dict(os.environ)
    if args.config:
        env[CONFIG_ENV] = str(Path(args.config).resolve())
    with tempfile.TemporaryDirectory(prefix="pmlint-app-") as folder:
        app = Path(folder) / "pmlint_app.py"
        app.write_text(LAUNCHER, encoding="utf-8")
        cmd = streamlit_command(
            app, port=args.port, address=args.address, headless=args.headless,
            max_upload_mb=float(config["app"]["max_upload_mb"]), extra=extra,
        )
        address, port = extra.get("server.address", args.address), extra.get("server.port", args.port)
        print(f"pmlint: starting the app on http://{address}:{port} (Ctrl+C to stop)", file=sys.stderr, flush=True)
        proc = subprocess.Popen(cmd, env=env)
        with _forward_sigterm(proc):
            try:
                status = proc.wait()
            except KeyboardInterrupt:
                _stop(proc)
                return ExitStatus.OK
    return ExitStatus.OK if status in _STOPPED else ExitStatus.ERROR


_STOPPED = (0, -signal.SIGINT, -signal.SIGTERM, 128 + signal.SIGINT, 128 + signal.SIGTERM)


def _stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


class _forward_sigterm:
    """While Streamlit runs, a SIGTERM to `pmlint app` (a service manager, a container stop, a
    test) stops Streamlit too instead of leaving it running without its parent."""

    def __init__(self, proc: subprocess.Popen) -> None:
        self.proc = proc
        self.previous = None

    def _handler(self, signum: int, frame: object) -> None:
        self.proc.send_signal(signal.SIGTERM)

    def __enter__(self) -> None:
        try:
            self.previous = signal.signal(signal.SIGTERM, self._handler)
        except ValueError:  # not the main thread: nothing to forward from
            self.previous = None

    def __exit__(self, *exc: object) -> None:
        if self.previous is not None:
            signal.signal(signal.SIGTERM, self.previous)


__all__ = ["register", "cmd_app", "streamlit_command", "streamlit_options", "missing_app_libraries"]

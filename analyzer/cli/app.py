"""`pmlint app`: start the Streamlit app (a thin wrapper over `streamlit run` with the packaged app).

    pmlint app                      # http://localhost:8501, opens a browser tab
    pmlint app --port 8600 --headless --config team.pmlint.yaml

The configuration is checked before Streamlit starts (a broken .pmlint.yaml exits with status 2
and a message, not a half-started server). The configuration file reaches the app through the
PMLINT_CONFIG environment variable; usage statistics are always off (pmlint works offline).

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
from analyzer.findings import ExitStatus

LAUNCHER = '"""Started by `pmlint app`: runs the packaged pmlint app."""\nfrom analyzer.app.main import main\n\nmain()\n'
CONFIG_ENV = "PMLINT_CONFIG"  # the same name analyzer.app.state reads (kept here so the CLI never imports streamlit)


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("app", help="open the review app in the browser (Streamlit)")
    p.add_argument("--port", type=int, default=8501, help="port to serve on (default 8501)")
    p.add_argument("--address", default="localhost", help="address to listen on (default localhost; 0.0.0.0 to share)")
    p.add_argument("--headless", action="store_true", help="do not open a browser tab (servers, containers)")
    p.add_argument("--config", metavar="FILE", help="configuration file (default: nearest .pmlint.yaml or [tool.pmlint])")
    p.set_defaults(func=cmd_app)


def streamlit_command(app: Path, *, port: int, address: str, headless: bool, max_upload_mb: float) -> list[str]:
    """The `streamlit run` command line for the packaged app."""
    return [
        sys.executable, "-m", "streamlit", "run", str(app),
        "--server.port", str(port),
        "--server.address", address,
        "--server.headless", "true" if headless else "false",
        "--server.maxUploadSize", str(max(1, math.ceil(max_upload_mb * 1024 * 1024 / 1_000_000))),  # its MB are 10^6 bytes
        "--server.fileWatcherType", "none",
        "--browser.gatherUsageStats", "false",
        "--client.toolbarMode", "minimal",
        "--client.showErrorDetails", _hide_error_details(),
    ]


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
    config = load_config(args.config, search_from=".")  # ConfigError -> exit status 2 with the message
    env = dict(os.environ)
    if args.config:
        env[CONFIG_ENV] = str(Path(args.config).resolve())
    with tempfile.TemporaryDirectory(prefix="pmlint-app-") as folder:
        app = Path(folder) / "pmlint_app.py"
        app.write_text(LAUNCHER, encoding="utf-8")
        cmd = streamlit_command(
            app, port=args.port, address=args.address, headless=args.headless,
            max_upload_mb=float(config["app"]["max_upload_mb"]),
        )
        print(f"pmlint: starting the app on http://{args.address}:{args.port} (Ctrl+C to stop)", file=sys.stderr, flush=True)
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


__all__ = ["register", "cmd_app", "streamlit_command"]

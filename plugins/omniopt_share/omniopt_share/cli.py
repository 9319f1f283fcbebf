"""``omniopt share ...``: upload runs, serve a Share server, administer it.

Exit codes: 0 ok, 2 bad usage or input (the message says what to fix),
40 the Share server could not be reached or refused the upload.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

from omniopt.errors import ExitCode

#: The server could not be reached or refused the request (one meaning, see module docstring).
SHARE_FAILED = int(getattr(ExitCode, "SHARE_FAILED", 40))
DATA_DIR_ENV = "OMNIOPT_SHARE_DATA"
DEFAULT_DATA_DIR = "omniopt-share-data"


class CommandError(Exception):
    """One line for the user, and the exit code that goes with it."""

    def __init__(self, message: str, code: int = int(ExitCode.USAGE)):
        super().__init__(message)
        self.message = message
        self.code = code


def _data_dir(value: str | None) -> Path:
    return Path(value or os.environ.get(DATA_DIR_ENV) or DEFAULT_DATA_DIR)


def _store(data_dir: str | None) -> Any:
    from omniopt_share.server.store import ShareStore

    return ShareStore(_data_dir(data_dir))


def build_app() -> Any:
    """The typer application (built on demand so ``omniopt --help`` stays instant)."""
    import typer

    app = typer.Typer(
        name="share", no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False,
        help="Share runs on a Share server: upload run folders, serve the server, manage users and runs.",
    )
    admin = typer.Typer(no_args_is_help=True, help="Administer a Share server's data directory (on the server machine).")
    app.add_typer(admin, name="admin")
    data_dir_option = typer.Option(None, "--data-dir", help=f"Server data directory (default: ${DATA_DIR_ENV} or ./{DEFAULT_DATA_DIR}).")

    @app.command()
    def serve(
        host: str = typer.Option("127.0.0.1", help="Address to listen on (127.0.0.1: this machine only)."),
        port: int = typer.Option(8765, help="Port to listen on (0: any free port; the URL is printed)."),
        data_dir: str = data_dir_option,
        retention_days: float = typer.Option(0.0, help="Delete runs not updated for this many days (0: keep forever)."),
        max_upload_mb: float = typer.Option(200.0, help="Largest upload (compressed) in MB."),
        max_unpacked_mb: float = typer.Option(1024.0, help="Largest upload once unpacked, in MB."),
        max_files: int = typer.Option(100_000, help="Most files in one upload."),
    ) -> None:
        """Run a Share server (SQLite database and run files under --data-dir)."""
        from omniopt_share.server.archive import UploadLimits
        from omniopt_share.serving import serve_forever

        limits = UploadLimits(
            max_upload_bytes=int(max_upload_mb * 1024 * 1024),
            max_unpacked_bytes=int(max_unpacked_mb * 1024 * 1024),
            max_files=max_files,
        )
        serve_forever(host, port, _data_dir(data_dir), limits=limits, retention_days=retention_days or None)

    @app.command()
    def upload(
        run_dir: str = typer.Argument(..., help="Run folder, e.g. runs/my_experiment/0."),
        server: str = typer.Option(None, "--server", help="Share server URL (default: $OMNIOPT_SHARE_SERVER or share.toml)."),
        token: str = typer.Option(None, "--token", help="Upload token (default: $OMNIOPT_SHARE_TOKEN or share.toml)."),
        public: bool = typer.Option(False, "--public", help="List the run on the server's index (default: private link)."),
    ) -> None:
        """Upload a run folder and print its link (uploading again updates the same link)."""
        from omniopt_share.client import ShareClient
        from omniopt_share.settings import resolve
        from omniopt_share.sharing import RunUploader

        folder = Path(run_dir)
        if not folder.is_dir():
            raise CommandError(f"{run_dir} is not a folder; give a run folder such as runs/my_experiment/0")
        if not (folder / "results.csv").is_file() and not (folder / "state_files").is_dir():
            raise CommandError(f"{run_dir} is not a run folder (no results.csv, no state_files/); give runs/NAME/N")
        uploader = RunUploader(ShareClient(resolve(server, token)), folder, public=public)
        answer = uploader.sync(final=True)
        print(answer.get("url") or uploader.url)

    @app.command("delete")
    def delete_remote(
        run: str = typer.Argument(..., help="Run link or id."),
        server: str = typer.Option(None, "--server", help="Share server URL."),
        token: str = typer.Option(None, "--token", help="Upload token of the run's owner."),
    ) -> None:
        """Delete one of your runs from a Share server."""
        from omniopt_share.client import ShareClient
        from omniopt_share.settings import resolve

        run_id = run.rstrip("/").rsplit("/", 1)[-1]
        ShareClient(resolve(server, token)).delete_run(run_id)
        print(f"deleted {run_id}")

    @admin.command("create-user")
    def create_user(name: str = typer.Argument(..., help="User name."), data_dir: str = data_dir_option) -> None:
        """Create a user."""
        user = _store(data_dir).create_user(name)
        print(f"created user {user.name}; give them a token: omniopt share admin create-token {user.name}")

    @admin.command("create-token")
    def create_token(
        name: str = typer.Argument(..., help="User name."),
        label: str = typer.Option("", help="What the token is for (shown nowhere but the database)."),
        data_dir: str = data_dir_option,
    ) -> None:
        """Create an upload token for a user; it is shown once, only its hash is kept."""
        print(_store(data_dir).create_token(name, label))

    @admin.command("delete-run")
    def delete_run(run: str = typer.Argument(..., help="Run link or id."), data_dir: str = data_dir_option) -> None:
        """Delete a run and its files."""
        run_id = run.rstrip("/").rsplit("/", 1)[-1]
        if not _store(data_dir).delete_run(run_id):
            raise CommandError(f"no run {run_id!r} in this data directory; see 'omniopt share admin list-runs'")
        print(f"deleted {run_id}")

    @admin.command("list-runs")
    def list_runs(data_dir: str = data_dir_option) -> None:
        """List every run: id, owner, experiment, status, visibility."""
        for run in _store(data_dir).all_runs():
            visibility = "public" if run.public else "private"
            print(f"{run.id}\t{run.owner_name}\t{run.experiment_name}\t{run.run_number}\t{run.status}\t{visibility}")

    @admin.command("retention")
    def retention(
        days: float = typer.Option(..., "--days", min=0, help="Delete runs not updated for this many days."),
        data_dir: str = data_dir_option,
    ) -> None:
        """Delete old runs now (a server started with --retention-days does this every hour)."""
        removed = _store(data_dir).purge_older_than(days)
        print(f"deleted {len(removed)} run(s) not updated for {days:g} days")

    return app


def run(argv: list[str]) -> int:
    """Entry point of ``omniopt share``; returns the exit code."""
    import typer

    from omniopt_share.client import ShareError
    from omniopt_share.server.store import StoreError
    from omniopt_share.serving import ServeError
    from omniopt_share.settings import SettingsError

    command = typer.main.get_command(build_app())
    try:
        result = command.main(args=list(argv), prog_name="omniopt share", standalone_mode=False)
    except typer.Exit as exc:
        return int(exc.exit_code)
    except typer.Abort:
        return int(ExitCode.INTERRUPTED)
    except typer.TyperException as exc:  # bad usage: the parser's own message
        show = getattr(exc, "show", None)
        if show:
            show()
        else:
            print(f"omniopt share: error: {exc}", file=sys.stderr)
        return int(ExitCode.USAGE)
    except CommandError as exc:
        print(f"omniopt share: error: {exc.message}", file=sys.stderr)
        return exc.code
    except (SettingsError, StoreError, ServeError) as exc:
        print(f"omniopt share: error: {exc}", file=sys.stderr)
        return int(ExitCode.USAGE)
    except ShareError as exc:
        print(f"omniopt share: error: {exc.message}", file=sys.stderr)
        return SHARE_FAILED
    except KeyboardInterrupt:
        return int(ExitCode.INTERRUPTED)
    return result if isinstance(result, int) else 0

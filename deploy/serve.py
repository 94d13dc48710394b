"""Serve Prioritas in one process with gevent: the embedded default behind `make run`.

gevent holds thousands of phones on one process (one greenlet per connection instead of an OS thread);
it must patch the standard library before anything else is imported.
"""

from gevent import monkey

monkey.patch_all()

import os  # noqa: E402
import sys  # noqa: E402
from pathlib import Path  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def _handler_class() -> type:
    """pywsgi keeps reading a connection after its WebSocket ends, and then parses the client's closing
    frames as a new HTTP request ("Invalid HTTP method") while the phone waits for the close to finish.
    An upgraded connection is never reused for HTTP, so close it as soon as the WebSocket is done."""
    from gevent import pywsgi

    class WebSocketAwareHandler(pywsgi.WSGIHandler):
        def handle_one_response(self) -> None:
            super().handle_one_response()
            if self._connection_upgrade_requested():
                self.close_connection = True

    return WebSocketAwareHandler


def main() -> None:
    from app import create_app
    from app.extensions import socketio
    from app.services.workshops import lan_address
    from deploy.system import audit_log, raise_file_limit

    raise_file_limit()
    app = create_app()
    audit_path = audit_log(app.instance_path)
    from app.services import lifecycle

    purging = lifecycle.start_purge_job(app)
    host, port = app.config["HOST"], int(app.config["PORT"])
    public = app.config.get("PUBLIC_URL") or f"http://{lan_address()}:{port}"
    print(f"\n  Prioritas is running ({socketio.async_mode}, {app.config['SQLALCHEMY_DATABASE_URI'].split(':')[0]}).")
    print(f"  On this laptop:          http://127.0.0.1:{port}/facilitator")
    print(f"  Phones on the same Wi-Fi: {public}/join")
    print(f"  Audit log:               {audit_path}")
    print(f"  Retention purge:         {'every %g h' % (app.config['PURGE_INTERVAL'] / 3600) if purging else 'off'}")
    print("  Stop with Ctrl+C.\n", flush=True)
    socketio.run(app, host=host, port=port, log_output=os.environ.get("PRIORITAS_ACCESS_LOG") == "1",
                 handler_class=_handler_class())


if __name__ == "__main__":
    main()

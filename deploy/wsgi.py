"""The application as gunicorn's gevent workers load it (see `gunicorn.conf.py`).

The worker has already monkey-patched the standard library, so Socket.IO runs on gevent in each worker.
Each worker also runs the daily retention purge; a workshop another worker purged first is skipped.
"""

from app import create_app
from app.services import lifecycle
from deploy.system import audit_log

app = create_app()
audit_log(app.instance_path)
lifecycle.start_purge_job(app)

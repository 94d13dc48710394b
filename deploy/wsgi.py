"""The application as gunicorn's gevent workers load it (see `gunicorn.conf.py`).

The worker has already monkey-patched the standard library, so Socket.IO runs on gevent in each worker.
"""

from app import create_app
from deploy.system import audit_log

app = create_app()
audit_log(app.instance_path)

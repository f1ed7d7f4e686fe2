"""Process-wide extension handles, bound to an app inside :func:`app.create_app`.

The SQLAlchemy handle is built on Flask-AppBuilder's declarative ``Model`` so that our tables and
FAB's security tables share one metadata: Alembic autogenerate then sees every table.
"""

from __future__ import annotations

from flask_appbuilder import Model
from flask_appbuilder.utils.legacy import get_sqla_class
from flask_migrate import Migrate
from flask_wtf.csrf import CSRFProtect

db = get_sqla_class()(model_class=Model)
migrate = Migrate()
csrf = CSRFProtect()

"""WSGI entry point: gunicorn 'wsgi:app'."""

from festival import create_app

app = create_app()

"""
WSGI config for customs_portal project.

It exposes the WSGI callable as a module-level variable named ``application``.

For more information on this file, see
https://docs.djangoproject.com/en/5.2/howto/deployment/wsgi/
"""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "customs_portal.settings")

application = get_wsgi_application()


def _warm_up_pdfs():
    """Load WeasyPrint and the CJK font now, in the background, not in a trader's first PDF."""
    import logging

    try:
        from declarations.summaries.pdf import warm_up

        warm_up()
    except Exception:  # a missing font or library shows in the first PDF's own error
        logging.getLogger(__name__).exception("PDF warm-up failed")


if os.environ.get("PDF_WARM_UP", "true").lower() not in ("0", "false", "no"):
    import threading

    threading.Thread(target=_warm_up_pdfs, name="pdf-warm-up", daemon=True).start()

from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.generic import RedirectView
from django.views.i18n import JavaScriptCatalog
from django_otp.admin import OTPAdminSite
from drf_spectacular.views import SpectacularAPIView

from casework.views import search_view
from registration.cooperation.business import views as business_views
from registration.credential_forms import AdminOTPLoginForm
from registration.credential_views import PortalLoginView

from . import views

# Every staff user signs in to /admin/ with a second factor (TOTP), in one submission.
if not getattr(settings, "ADMIN_WITHOUT_OTP", False):
    admin.site.__class__ = OTPAdminSite
    admin.site.login_form = AdminOTPLoginForm
    admin.site.login_template = "registration/admin_login.html"
admin.site.site_header = _("Customs portal: customs officers' screens")
admin.site.site_title = _("Customs portal administration")
admin.site.index_title = _("Queues and screens")

api_patterns = [
    path("", include("registration.api_urls")),
    path("", include("authorization.api_urls")),
    path("", include("declarations.api_urls")),
    path("", include("declarations.exchange.api_urls")),
    path("", include("declarations.summaries.api_urls")),
    path("", include("declarations.duties.api_urls")),
    path("", include("reminders.api_urls")),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
]

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("accounts/login/", PortalLoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/", include("registration.credential_urls")),
    path("registration/", include("registration.urls")),
    path("account/", include("registration.account_urls")),
    path("cooperation/", include("registration.cooperation.urls")),
    path("cooperation/", include("registration.cooperation.business.urls")),
    path("verify/", business_views.verify_document, name="verify_document"),
    path("help/", business_views.help_centre, name="help_centre"),
    path("privacy/", business_views.privacy_notice, name="privacy_notice"),
    path("help/<slug:slug>/", business_views.help_article, name="help_article"),
    path("authorizations/", include("authorization.urls")),
    path("declarations/duties/", include("declarations.duties.urls")),
    path("declarations/", include("declarations.urls")),
    path("declarations/transit/", include("declarations.transit.urls")),
    path("summaries/", include("declarations.summaries.urls")),
    path("reminders/", include("notifications.urls")),  # the notification centre keeps its address
    path("reminders/", include("reminders.urls")),
    # a section's bare address leads to its first page rather than to "not found"
    *(
        path(section, RedirectView.as_view(pattern_name=target))
        for section, target in [
            ("account/", "account:api_keys"),
            ("cooperation/", "cooperation:enterprise_info"),
            ("authorizations/", "authorization:list"),
            ("declarations/", "declarations:inventory_list"),
            ("summaries/", "summaries:overview"),
            ("reminders/", "notifications:notifications"),
        ]
    ),
    path("api/v1/", include(api_patterns)),
    # the admin's search over the queues and lists (behind the admin's own sign-in and TOTP)
    path("admin/search/", admin.site.admin_view(search_view), name="casework_search"),
    path("admin/", admin.site.urls),
]

# JSON, not the HTML pages, for addresses under /api/ (customs_portal.api_errors)
handler404 = "customs_portal.api_errors.not_found"
handler500 = "customs_portal.api_errors.server_error"

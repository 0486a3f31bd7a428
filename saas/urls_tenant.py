"""URLs of a tenant host (<slug>.PLATFORM_DOMAIN or a custom domain)."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from programmes.actions import api as actions_api
from programmes.awards import api as awards_api
from programmes.certificates import api as certificates_api
from programmes.certificates import urls as certificate_urls
from programmes.climate import api as climate_api
from programmes.communication import api as communication_api
from programmes.configuration import api as configuration_api
from programmes.configuration import views as configuration_views
from programmes.core import audit_urls
from programmes.dashboards import api as dashboards_api
from programmes.dashboards import urls as dashboards_urls
from programmes.directory import api as directory_api
from programmes.events import api as events_api
from programmes.followups import api as followups_api
from programmes.followups import views as followup_views
from programmes.invoicing import api as invoicing_api
from programmes.invoicing import urls as invoicing_urls
from programmes.matchmaking import api as matchmaking_api
from programmes.partners import api as partners_api
from programmes.partners import document_views as partner_documents
from programmes.partners import views as partner_views
from programmes.people import api as people_api
from programmes.people import views as people_views
from programmes.symbols import api as symbols_api
from programmes.widget import api as widget_api
from tenants import branding

api_v1 = DefaultRouter()
api_v1.register("programme", configuration_api.ProgrammeViewSet, basename="programme")
for prefix, viewset in [
    ("contacts", configuration_api.ContactPersonViewSet),
    ("fee-schedules", configuration_api.FeeScheduleViewSet),
    ("tiers", configuration_api.TierViewSet),
    ("certification-schemes", configuration_api.CertificationSchemeViewSet),
    ("certification-rules", configuration_api.CertificationRuleViewSet),
    ("obligations", configuration_api.ObligationViewSet),
    ("signing-rounds", configuration_api.SigningRoundViewSet),
    ("award-categories", configuration_api.AwardCategoryViewSet),
    ("annual-wheel", configuration_api.WheelActivityViewSet),
    ("assessment-questions", configuration_api.AssessmentQuestionViewSet),
    ("privacy-statements", configuration_api.PrivacyStatementViewSet),
]:
    api_v1.register(prefix, viewset, basename=prefix)
api_v1.register("people", people_api.PersonViewSet, basename="person")
api_v1.register("partners", partners_api.PartnerViewSet, basename="partner")
api_v1.register("goals", partners_api.GoalViewSet, basename="goal")
api_v1.register("follow-ups", followups_api.FollowUpViewSet, basename="follow-up")
api_v1.register("climate-accounts", climate_api.ClimateAccountViewSet, basename="climate-account")
api_v1.register("certificates", certificates_api.CertificateViewSet, basename="certificate")
api_v1.register("invitations", people_api.InvitationViewSet, basename="invitation")
api_v1.register("figures", dashboards_api.FiguresViewSet, basename="figures")
# "api-" names: the invoicing pages already use invoice-detail, invoice-pdf…
api_v1.register("invoices", invoicing_api.InvoiceViewSet, basename="api-invoice")
api_v1.register("other-income", invoicing_api.OtherIncomeViewSet, basename="api-other-income")
api_v1.register("billing-details", invoicing_api.BillingDetailsViewSet, basename="billing-details")
api_v1.register(
    "invoicing-settings", invoicing_api.InvoicingSettingsViewSet, basename="invoicing-settings"
)
for module in (
    events_api,
    matchmaking_api,
    awards_api,
    communication_api,
    actions_api,
    directory_api,
    symbols_api,
    widget_api,
):
    for prefix, viewset, basename in module.API_ROUTES:
        api_v1.register(prefix, viewset, basename=basename)

urlpatterns = [
    path("", configuration_views.programme_home, name="home"),
    path("programme/symbol/", configuration_views.programme_symbol, name="programme-symbol"),
    path(
        "programme/guidelines/",
        configuration_views.programme_guidelines,
        name="programme-guidelines",
    ),
    # Public visibility and climate actions, by full path (directory/, sitemap.xml,
    # verify/, widget/, actions/, my-partnership/symbol/ …); before manage/, whose
    # manage/<section>/ would take manage/widget/.
    path("", include("programmes.directory.urls")),
    path("", include("programmes.symbols.urls")),
    path("", include("programmes.widget.urls")),
    path("", include("programmes.actions.urls")),
    path("", include("programmes.privacy.urls")),
    # Support access (support/enter/<token>/, manage/support-access/…): before manage/.
    path("", include("tenants.support.urls_tenant")),
    path("manage/audit/", include(audit_urls.audit_urlpatterns)),
    path("manage/people/", include("programmes.people.urls")),
    path("manage/", include("programmes.configuration.urls")),
    path("apply/", partner_views.apply_view, name="partner-apply"),
    # Network life, by full path (each app owns its prefixes: events/, calendar/,
    # matchmaking/, awards/, announcements/, and its my-partnership/<topic>/ pages).
    path("", include("programmes.events.urls")),
    path("", include("programmes.matchmaking.urls")),
    path("", include("programmes.awards.urls")),
    path("", include("programmes.communication.urls")),
    # Climate pages by full path: my-partnership/climate/…, partners/climate-import/…,
    # partners/<id>/climate/… (before the partners' workspace).
    path("", include("programmes.climate.urls")),
    path("partners/follow-ups/", include("programmes.followups.urls")),
    path("partners/certificates/", include(certificate_urls.staff_urlpatterns)),
    path("partners/", include("programmes.partners.urls")),
    path("dashboard/", include(dashboards_urls.staff_urlpatterns)),
    path("figures/", include(dashboards_urls.public_urlpatterns)),
    path("my-partnership/certificates/", include(certificate_urls.partner_urlpatterns)),
    path("invoicing/", include(invoicing_urls.staff_urlpatterns)),
    path("my-partnership/invoices/", include(invoicing_urls.partner_urlpatterns)),
    path("certificates/", include(certificate_urls.document_urlpatterns)),
    path("my-partnership/", partner_views.my_partnership, name="my-partnership"),
    path("my-partnership/profile/", partner_views.my_profile, name="my-profile"),
    path("my-partnership/assessment/", partner_views.my_assessment, name="my-assessment"),
    path("my-partnership/goals/", partner_views.my_goals, name="my-goals"),
    path("my-partnership/commitment.pdf", partner_documents.my_commitment, name="my-commitment"),
    path("my-partnership/follow-up/", followup_views.my_follow_up, name="my-follow-up"),
    path("partner-logos/<int:pk>/", partner_views.partner_logo, name="partner-logo"),
    path("branding.css", branding.branding_css, name="branding-css"),
    path("branding/logo/", branding.branding_logo, name="branding-logo"),
    path("accounts/", include("allauth.urls")),
    path(
        "invitations/<str:token>/",
        people_views.invitation_accept_view,
        name="invitation-accept",
    ),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", include(api_v1.urls)),
    path("api/v1/auth/token/", people_api.TokenView.as_view(), name="api-token"),
    path("api/schema/", SpectacularAPIView.as_view(urlconf="saas.urls_tenant"), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
]

"""The access matrix: every URL of both URLconfs and every operation of both OpenAPI schemas,
for every persona, on their own tenant and as another tenant's session, with the expected
status of each cell written down in MATRIX below.

A new URL or API operation without a row in MATRIX fails the test: add it with the statuses
each persona must get (run with ``KP_MATRIX_RECORD=/tmp/matrix.json`` to see what they get
now, then check every cell by hand before writing it down).

Columns of a tenant row (alpha's host): anonymous, municipal_admin, municipal_staff,
partner_admin, partner_member, other_partner_member. Beta's session on alpha's host must
get what an anonymous visitor gets. Platform rows (``platform:``): anonymous, operator; a
tenant's session on the platform host gets what an anonymous visitor gets. Unsafe API
methods are sent without a CSRF token and with an empty body: "4xx" (never a change, never
a server error). Path parameters are 1 (the fixtures' first objects, whose ids collide
between alpha and beta) or the values in PARAMETERS.

Every response is searched for the markers of the other tenant, of the platform and of the
other partner's private data (see conftest): none may appear.
"""

import json
import os
import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django_tenants.utils import schema_context, tenant_context
from drf_spectacular.generators import SchemaGenerator

from programmes.configuration.views import SECTIONS
from tests.conftest import OPERATOR_EMAIL, PERSONAS, World, sign_in

TENANT_COLUMNS = ["anonymous", *(persona for persona, _ in PERSONAS)]
PLATFORM_COLUMNS = ["anonymous", "operator"]
UNSAFE = {"post", "put", "patch", "delete"}
PARAMETERS = {
    "tenant": {"year": "2025", "slug": next(iter(SECTIONS)), "section": next(iter(SECTIONS))},
    "platform": {"slug": "alpha"},
}
CONVERTER_VALUES = {"int": "1", "uuid": "00000000-0000-0000-0000-000000000001"}
# Private data of each of alpha's partners (the first partner's people and follow-up answer;
# the other partner's member): the other partner's people must never see them.
FIRST_PARTNER_PRIVATE = ["ALPHA-MARKER support needed", "ALPHA-MARKER partner_admin"]
OTHER_PARTNER_PRIVATE = ["ALPHA-MARKER other_partner_member"]

# fmt: off
MATRIX: dict[str, str] = {
    "DELETE /api/v1/announcements/{id}/": "4xx",
    "DELETE /api/v1/annual-wheel/{id}/": "4xx",
    "DELETE /api/v1/assessment-questions/{id}/": "4xx",
    "DELETE /api/v1/award-categories/{id}/": "4xx",
    "DELETE /api/v1/certificates/{id}/": "4xx",
    "DELETE /api/v1/certification-rules/{id}/": "4xx",
    "DELETE /api/v1/certification-schemes/{id}/": "4xx",
    "DELETE /api/v1/climate-accounts/{id}/": "4xx",
    "DELETE /api/v1/contacts/{id}/": "4xx",
    "DELETE /api/v1/fee-schedules/{id}/": "4xx",
    "DELETE /api/v1/obligations/{id}/": "4xx",
    "DELETE /api/v1/other-income/{id}/": "4xx",
    "DELETE /api/v1/signing-rounds/{id}/": "4xx",
    "DELETE /api/v1/tiers/{id}/": "4xx",
    "GET /": "200 200 200 200 200 200",
    "GET /accounts/2fa/": "302 200 200 200 200 200",
    "GET /accounts/2fa/authenticate/": "302 302 302 302 302 302",
    "GET /accounts/2fa/reauthenticate/": "302 302 302 302 302 302",
    "GET /accounts/2fa/recovery-codes/": "302 404 404 404 404 404",
    "GET /accounts/2fa/recovery-codes/download/": "302 404 404 404 404 404",
    "GET /accounts/2fa/recovery-codes/generate/": "302 302 302 302 302 302",
    "GET /accounts/2fa/totp/activate/": "302 302 302 302 302 302",
    "GET /accounts/2fa/totp/deactivate/": "302 404 404 404 404 404",
    "GET /accounts/2fa/webauthn/": "302 200 200 200 200 200",
    "GET /accounts/2fa/webauthn/add/": "302 302 302 302 302 302",
    "GET /accounts/2fa/webauthn/keys/<int:pk>/edit/": "302 302 302 302 302 302",
    "GET /accounts/2fa/webauthn/keys/<int:pk>/remove/": "302 302 302 302 302 302",
    "GET /accounts/2fa/webauthn/reauthenticate/": "302 302 302 302 302 302",
    "GET /accounts/3rdparty/": "302 200 200 200 200 200",
    "GET /accounts/3rdparty/login/cancelled/": "200 200 200 200 200 200",
    "GET /accounts/3rdparty/login/error/": "401 401 401 401 401 401",
    "GET /accounts/3rdparty/signup/": "302 302 302 302 302 302",
    r"GET /accounts/^confirm-email/(?P<key>[-:\w]+)/$": "404 404 404 404 404 404",
    "GET /accounts/^password/reset/key/(?P<uidb36>[0-9A-Za-z]+)-(?P<key>.+)/$": (
        "404 404 404 404 404 404"
    ),
    "GET /accounts/confirm-email/": "200 200 200 200 200 200",
    "GET /accounts/email/": "302 200 200 200 200 200",
    "GET /accounts/inactive/": "200 200 200 200 200 200",
    "GET /accounts/login/": "200 302 302 302 302 302",
    "GET /accounts/login/code/confirm/": "302 302 302 302 302 302",
    "GET /accounts/logout/": "302 200 200 200 200 200",
    "GET /accounts/oidc/^(?P<provider_id>[^/]+)/login/": "404 404 404 404 404 404",
    "GET /accounts/oidc/^(?P<provider_id>[^/]+)/login/callback/": "404 404 404 404 404 404",
    "GET /accounts/password/change/": "302 200 200 200 200 200",
    "GET /accounts/password/reset/": "200 200 200 200 200 200",
    "GET /accounts/password/reset/done/": "200 200 200 200 200 200",
    "GET /accounts/password/reset/key/done/": "200 200 200 200 200 200",
    "GET /accounts/password/set/": "302 302 302 302 302 302",
    "GET /accounts/reauthenticate/": "302 200 200 200 200 200",
    "GET /accounts/sessions/": "302 200 200 200 200 200",
    "GET /accounts/signup/": "200 302 302 302 302 302",
    "GET /accounts/social/connections/": "301 301 301 301 301 301",
    "GET /accounts/social/login/cancelled/": "301 301 301 301 301 301",
    "GET /accounts/social/login/error/": "301 301 301 301 301 301",
    "GET /accounts/social/signup/": "301 301 301 301 301 301",
    "GET /actions/manage/": "302 200 200 403 403 403",
    "GET /actions/manage/<int:pk>/": "302 404 404 403 403 403",
    "GET /actions/manage/<int:pk>/archive/": "302 405 405 403 403 403",
    "GET /actions/manage/<int:pk>/edit/": "302 404 404 403 403 403",
    "GET /actions/manage/<int:pk>/publish/": "302 404 404 403 403 403",
    "GET /actions/manage/<int:pk>/pull-update/": "302 404 404 403 403 403",
    "GET /actions/manage/<int:pk>/withdraw/": "302 404 404 403 403 403",
    "GET /actions/manage/library/": "302 200 200 403 403 403",
    "GET /actions/manage/library/<uuid:uuid>/": "302 404 404 403 403 403",
    "GET /actions/manage/library/<uuid:uuid>/copy/": "302 405 405 403 403 403",
    "GET /actions/manage/new/": "302 200 200 403 403 403",
    "GET /announcements/": "302 200 200 403 403 403",
    "GET /announcements/<int:pk>/": "302 404 404 403 403 403",
    "GET /announcements/<int:pk>/delete/": "302 404 404 403 403 403",
    "GET /announcements/<int:pk>/send/": "302 405 405 403 403 403",
    "GET /announcements/<int:pk>/unschedule/": "302 405 405 403 403 403",
    "GET /announcements/new/": "302 200 200 403 403 403",
    "GET /api/docs/": "200 200 200 200 200 200",
    "GET /api/schema/": "200 200 200 200 200 200",
    "GET /api/v1/": "401 200 200 200 200 200",
    "GET /api/v1/actions/": "401 200 200 200 200 200",
    "GET /api/v1/actions/{id}/": "401 404 404 404 404 404",
    "GET /api/v1/announcements/": "401 200 200 403 403 403",
    "GET /api/v1/announcements/{id}/": "401 404 404 403 403 403",
    "GET /api/v1/announcements/{id}/recipients/": "401 404 404 403 403 403",
    "GET /api/v1/annual-wheel/": "200 200 200 200 200 200",
    "GET /api/v1/annual-wheel/{id}/": "200 200 200 200 200 200",
    "GET /api/v1/assessment-questions/": "200 200 200 200 200 200",
    "GET /api/v1/assessment-questions/{id}/": "200 200 200 200 200 200",
    "GET /api/v1/auth/token/": "405 405 405 405 405 405",
    "GET /api/v1/award-categories/": "200 200 200 200 200 200",
    "GET /api/v1/award-categories/{id}/": "404 404 404 404 404 404",
    "GET /api/v1/award-nominations/": "401 200 200 200 200 200",
    "GET /api/v1/award-nominations/{id}/": "401 404 404 404 404 404",
    "GET /api/v1/award-rounds/": "401 200 200 200 200 200",
    "GET /api/v1/award-rounds/{id}/": "401 404 404 404 404 404",
    "GET /api/v1/award-scores/": "401 200 200 200 200 200",
    "GET /api/v1/award-winners/": "200 200 200 200 200 200",
    "GET /api/v1/award-winners/{id}/": "404 404 404 404 404 404",
    "GET /api/v1/billing-details/{id}/": "401 404 404 404 404 404",
    "GET /api/v1/certificates/": "401 200 200 200 200 200",
    "GET /api/v1/certificates/compliance/": "401 200 200 200 200 200",
    "GET /api/v1/certificates/{id}/": "401 404 404 404 404 404",
    "GET /api/v1/certification-rules/": "200 200 200 200 200 200",
    "GET /api/v1/certification-rules/{id}/": "404 404 404 404 404 404",
    "GET /api/v1/certification-schemes/": "200 200 200 200 200 200",
    "GET /api/v1/certification-schemes/{id}/": "404 404 404 404 404 404",
    "GET /api/v1/climate-accounts/": "401 200 200 200 200 200",
    "GET /api/v1/climate-accounts/{id}/": "401 404 404 404 404 404",
    "GET /api/v1/contacts/": "200 200 200 200 200 200",
    "GET /api/v1/contacts/{id}/": "200 200 200 200 200 200",
    "GET /api/v1/directory/partners/": "200 200 200 200 200 200",
    "GET /api/v1/directory/partners/{id}/": "404 404 404 404 404 404",
    "GET /api/v1/directory/programme/": "200 200 200 200 200 200",
    "GET /api/v1/event-registrations/": "401 200 200 200 200 200",
    "GET /api/v1/event-registrations/calendar-link/": "401 200 200 200 200 200",
    "GET /api/v1/event-registrations/calendar/": "401 200 200 200 200 200",
    "GET /api/v1/event-registrations/{id}/": "401 404 404 404 404 404",
    "GET /api/v1/events/": "401 200 200 200 200 200",
    "GET /api/v1/events/calendar/": "200 200 200 200 200 200",
    "GET /api/v1/events/participation/": "401 200 200 200 200 200",
    "GET /api/v1/events/{id}/": "401 404 404 404 404 404",
    "GET /api/v1/events/{id}/attendance/": "401 404 404 403 403 403",
    "GET /api/v1/fee-schedules/": "200 200 200 200 200 200",
    "GET /api/v1/fee-schedules/{id}/": "200 200 200 200 200 200",
    "GET /api/v1/fee-schedules/{id}/quote/": "400 400 400 400 400 400",
    "GET /api/v1/figures/": "404 200 200 404 404 404",
    "GET /api/v1/follow-ups/": "401 200 200 200 200 200",
    "GET /api/v1/follow-ups/{id}/": "401 200 200 200 200 404",
    "GET /api/v1/goals/": "401 200 200 200 200 200",
    "GET /api/v1/goals/{id}/": "401 404 404 404 404 404",
    "GET /api/v1/inbox/": "401 200 200 200 200 200",
    "GET /api/v1/inbox/{id}/": "401 404 404 404 404 404",
    "GET /api/v1/invitations/": "401 200 403 403 403 403",
    "GET /api/v1/invoices/": "401 404 404 404 404 404",
    "GET /api/v1/invoices/export/": "401 404 404 403 403 403",
    "GET /api/v1/invoices/funding/": "401 404 404 403 403 403",
    "GET /api/v1/invoices/{id}/": "401 404 404 404 404 404",
    "GET /api/v1/invoices/{id}/pdf/": "401 404 404 404 404 404",
    "GET /api/v1/invoices/{id}/xml/": "401 404 404 404 404 404",
    "GET /api/v1/invoicing-settings/": "401 404 403 403 403 403",
    "GET /api/v1/library/": "401 200 200 403 403 403",
    "GET /api/v1/library/{uuid}/": "404 404 404 404 404 404",
    "GET /api/v1/matchmaking-profiles/": "401 200 200 200 200 200",
    "GET /api/v1/matchmaking-profiles/{id}/": "401 404 404 404 404 404",
    "GET /api/v1/matchmaking-sessions/": "401 200 200 403 403 403",
    "GET /api/v1/matchmaking-sessions/{id}/": "401 404 404 403 403 403",
    "GET /api/v1/matchmaking-sessions/{id}/schedule/": "401 404 404 403 403 403",
    "GET /api/v1/matchmaking-tags/": "401 200 200 200 200 200",
    "GET /api/v1/matchmaking-tags/{id}/": "401 404 404 404 404 404",
    "GET /api/v1/me/data/": "401 200 200 200 200 200",
    "GET /api/v1/notification-preferences/": "401 200 200 200 200 200",
    "GET /api/v1/obligations/": "200 200 200 200 200 200",
    "GET /api/v1/obligations/{id}/": "200 200 200 200 200 200",
    "GET /api/v1/other-income/": "401 404 404 403 403 403",
    "GET /api/v1/other-income/{id}/": "401 404 404 403 403 403",
    "GET /api/v1/partner-symbol/": "401 403 403 200 200 200",
    "GET /api/v1/partner-symbol/png/": "401 403 403 200 200 200",
    "GET /api/v1/partner-symbol/qr/": "401 403 403 200 200 200",
    "GET /api/v1/partner-symbol/svg/": "401 403 403 200 200 200",
    "GET /api/v1/partners/": "401 200 200 200 200 200",
    "GET /api/v1/partners/{id}/": "401 200 200 200 200 404",
    "GET /api/v1/partners/{id}/commitment/": "401 200 200 200 200 404",
    "GET /api/v1/partners/{id}/timeline/": "401 200 200 200 200 404",
    "GET /api/v1/people/": "401 200 200 200 200 200",
    "GET /api/v1/people/me/": "401 200 200 200 200 200",
    "GET /api/v1/people/{id}/": "401 200 200 404 404 404",
    "GET /api/v1/privacy-statements/": "200 200 200 200 200 200",
    "GET /api/v1/privacy-statements/{id}/": "200 200 200 200 200 200",
    "GET /api/v1/privacy/erasures/": "401 405 403 403 403 403",
    "GET /api/v1/privacy/retention/": "401 200 403 403 403 403",
    "GET /api/v1/programme/": "200 200 200 200 200 200",
    "GET /api/v1/programme/{id}/": "200 200 200 200 200 200",
    "GET /api/v1/signing-rounds/": "200 200 200 200 200 200",
    "GET /api/v1/signing-rounds/{id}/": "200 200 200 200 200 200",
    "GET /api/v1/symbol-verifications/{code}/": "404 404 404 404 404 404",
    "GET /api/v1/tiers/": "200 200 200 200 200 200",
    "GET /api/v1/tiers/{id}/": "200 200 200 200 200 200",
    "GET /api/v1/widget/": "200 200 200 200 200 200",
    "GET /apply/": "200 200 200 200 200 200",
    "GET /awards/": "200 200 200 200 200 200",
    "GET /awards/<int:pk>/nominate/": "404 404 404 404 404 404",
    "GET /awards/jury/": "302 200 200 200 200 200",
    "GET /awards/jury/<int:pk>/": "302 404 404 404 404 404",
    "GET /awards/manage/": "302 200 200 403 403 403",
    "GET /awards/manage/<int:pk>/": "302 404 404 403 403 403",
    "GET /awards/manage/nominations/<int:pk>/eligibility/": "302 404 404 403 403 403",
    "GET /branding.css": "200 200 200 200 200 200",
    "GET /branding/logo/": "404 404 404 404 404 404",
    "GET /calendar.ics": "200 200 200 200 200 200",
    "GET /calendar/<str:secret>.ics": "404 404 404 404 404 404",
    "GET /certificates/<int:pk>/document/": "302 404 404 404 404 404",
    "GET /dashboard/": "302 200 200 403 403 403",
    "GET /dashboard/<slug:section>.csv": "302 404 404 403 403 403",
    "GET /dashboard/<slug:section>.xlsx": "302 404 404 403 403 403",
    "GET /directory/": "200 200 200 200 200 200",
    "GET /directory/<int:pk>/": "404 404 404 404 404 404",
    "GET /directory/<int:pk>/<str:slug>/": "404 404 404 404 404 404",
    "GET /events/": "302 200 200 200 200 200",
    "GET /events/<int:pk>/": "302 404 404 404 404 404",
    "GET /events/<int:pk>/register/": "405 405 405 405 405 405",
    "GET /events/manage/<int:pk>/": "302 404 404 403 403 403",
    "GET /events/manage/<int:pk>/attendance/": "302 404 404 403 403 403",
    "GET /events/manage/<int:pk>/cancel/": "302 404 404 403 403 403",
    "GET /events/manage/new/": "302 200 200 403 403 403",
    "GET /events/participation/": "302 200 200 403 403 403",
    "GET /events/registrations/<int:pk>/cancel/": "405 405 405 405 405 405",
    "GET /figures/": "404 404 404 404 404 404",
    "GET /figures/<slug:section>.csv": "404 404 404 404 404 404",
    "GET /figures/<slug:section>.xlsx": "404 404 404 404 404 404",
    "GET /i18n/setlang/": "302 302 302 302 302 302",
    "GET /invitations/<str:token>/": "404 404 404 404 404 404",
    "GET /invoicing/": "302 404 404 403 403 403",
    "GET /invoicing/<int:pk>/": "302 404 404 403 403 403",
    "GET /invoicing/<int:pk>/invoice.pdf": "302 404 404 403 403 403",
    "GET /invoicing/<int:pk>/invoice.xml": "302 404 404 403 403 403",
    "GET /invoicing/export.csv": "302 404 404 403 403 403",
    "GET /invoicing/funding/": "302 404 404 403 403 403",
    "GET /invoicing/funding/income/<int:pk>/": "302 404 404 403 403 403",
    "GET /invoicing/funding/income/<int:pk>/delete/": "302 404 404 403 403 403",
    "GET /invoicing/payments-import/": "302 404 404 403 403 403",
    "GET /invoicing/payments-import/template.csv": "302 404 404 403 403 403",
    "GET /invoicing/run/": "302 404 404 403 403 403",
    "GET /invoicing/settings/": "302 404 403 403 403 403",
    "GET /manage/": "302 200 403 403 403 403",
    "GET /manage/<slug:slug>/": "302 200 403 403 403 403",
    "GET /manage/<slug:slug>/<int:pk>/": "302 200 403 403 403 403",
    "GET /manage/<slug:slug>/<int:pk>/delete/": "302 200 403 403 403 403",
    "GET /manage/<slug:slug>/new/": "302 200 403 403 403 403",
    "GET /manage/audit/": "302 200 403 403 403 403",
    "GET /manage/audit/export.csv": "302 200 403 403 403 403",
    "GET /manage/awards/<int:pk>/": "302 404 403 403 403 403",
    "GET /manage/awards/new/": "302 200 403 403 403 403",
    "GET /manage/fees/<int:pk>/": "302 200 403 403 403 403",
    "GET /manage/fees/new/": "302 200 403 403 403 403",
    "GET /manage/files/": "302 200 403 403 403 403",
    "GET /manage/people/": "302 200 403 403 403 403",
    "GET /manage/people/<int:pk>/access/": "302 200 403 403 403 403",
    "GET /manage/privacy/": "302 200 403 403 403 403",
    "GET /manage/privacy/<int:pk>/": "302 302 403 403 403 403",
    "GET /manage/privacy/<int:pk>/publish/": "302 302 403 403 403 403",
    "GET /manage/privacy/erase/": "302 200 403 403 403 403",
    "GET /manage/privacy/new/": "302 200 403 403 403 403",
    "GET /manage/privacy/retention/": "302 200 403 403 403 403",
    "GET /manage/profile/": "302 200 403 403 403 403",
    "GET /manage/support-access/": "302 200 403 403 403 403",
    "GET /manage/support-access/<int:pk>/end/": "302 404 403 403 403 403",
    "GET /manage/widget/": "302 200 200 403 403 403",
    "GET /matchmaking/": "302 200 200 403 403 403",
    "GET /matchmaking/meetings/<int:pk>/": "302 404 404 403 403 403",
    "GET /matchmaking/sessions/<int:pk>/": "302 404 404 403 403 403",
    "GET /matchmaking/sessions/<int:pk>/compute/": "302 405 405 403 403 403",
    "GET /matchmaking/sessions/<int:pk>/edit/": "302 404 404 403 403 403",
    "GET /matchmaking/sessions/<int:pk>/meetings/new/": "302 404 404 403 403 403",
    "GET /matchmaking/sessions/<int:pk>/partners/<int:partner_id>.pdf": "302 404 404 403 403 403",
    "GET /matchmaking/sessions/<int:pk>/send/": "302 405 405 403 403 403",
    "GET /matchmaking/sessions/new/": "302 200 200 403 403 403",
    "GET /matchmaking/tags/": "302 200 200 403 403 403",
    "GET /matchmaking/tags/<int:pk>/": "302 404 404 403 403 403",
    "GET /my-data/": "302 200 200 200 200 200",
    "GET /my-data/export.json": "302 200 200 200 200 200",
    "GET /my-partnership/": "302 403 403 200 200 200",
    "GET /my-partnership/actions/": "302 403 403 200 200 200",
    "GET /my-partnership/actions/<int:pk>/goal/": "302 403 403 404 404 404",
    "GET /my-partnership/assessment/": "302 403 403 200 200 200",
    "GET /my-partnership/awards/": "302 403 403 200 200 200",
    "GET /my-partnership/certificates/": "302 403 403 200 200 200",
    "GET /my-partnership/certificates/<int:pk>/": "302 403 403 404 403 403",
    "GET /my-partnership/certificates/<int:pk>/delete/": "302 403 403 404 403 403",
    "GET /my-partnership/certificates/new/": "302 403 403 200 403 403",
    "GET /my-partnership/climate/": "302 403 403 200 200 200",
    "GET /my-partnership/climate/<int:year>/": "302 403 403 404 404 404",
    "GET /my-partnership/climate/import/": "302 403 403 200 403 403",
    "GET /my-partnership/climate/import/template.csv": "302 403 403 200 403 403",
    "GET /my-partnership/climate/import/template.xlsx": "302 403 403 200 403 403",
    "GET /my-partnership/climate/new/": "302 403 403 200 403 403",
    "GET /my-partnership/commitment.pdf": "302 403 403 200 200 200",
    "GET /my-partnership/events/": "302 403 403 200 200 200",
    "GET /my-partnership/events/calendar-link/": "405 405 405 405 405 405",
    "GET /my-partnership/follow-up/": "302 403 403 200 200 200",
    "GET /my-partnership/goals/": "302 403 403 200 200 200",
    "GET /my-partnership/inbox/": "302 403 403 200 200 200",
    "GET /my-partnership/inbox/<int:pk>/": "302 403 403 404 404 404",
    "GET /my-partnership/invoices/": "302 403 403 404 404 404",
    "GET /my-partnership/invoices/<int:pk>.pdf": "302 403 403 404 404 404",
    "GET /my-partnership/invoices/<int:pk>.xml": "302 403 403 404 404 404",
    "GET /my-partnership/matchmaking/": "302 403 403 200 200 200",
    "GET /my-partnership/matchmaking/sessions/<int:pk>.pdf": "302 403 403 404 404 404",
    "GET /my-partnership/matchmaking/sessions/<int:pk>/": "302 403 403 404 404 404",
    "GET /my-partnership/notifications/": "302 403 403 200 200 200",
    "GET /my-partnership/profile/": "302 403 403 200 403 403",
    "GET /my-partnership/symbol-print.png": "302 403 403 200 200 200",
    "GET /my-partnership/symbol-qr.svg": "302 403 403 200 200 200",
    "GET /my-partnership/symbol-web.png": "302 403 403 200 200 200",
    "GET /my-partnership/symbol.svg": "302 403 403 200 200 200",
    "GET /my-partnership/symbol/": "302 403 403 200 200 200",
    "GET /partner-logos/<int:pk>/": "404 404 404 404 404 404",
    "GET /partners/": "302 200 200 403 403 403",
    "GET /partners/<int:pk>/": "302 200 200 403 403 403",
    "GET /partners/<int:pk>/climate/": "302 200 200 403 403 403",
    "GET /partners/<int:pk>/climate/<int:year>/": "302 404 404 403 403 403",
    "GET /partners/<int:pk>/climate/new/": "302 200 200 403 403 403",
    "GET /partners/<int:pk>/commitment.pdf": "302 200 200 403 403 403",
    "GET /partners/<int:pk>/goals/<int:goal_pk>/comment/": "302 404 404 403 403 403",
    "GET /partners/<int:pk>/symbol/": "302 200 200 403 403 403",
    "GET /partners/certificates/": "302 200 200 403 403 403",
    "GET /partners/certificates/partner/<int:pk>/": "302 200 200 403 403 403",
    "GET /partners/climate-import/": "302 200 200 403 403 403",
    "GET /partners/climate-import/template.csv": "302 200 200 403 403 403",
    "GET /partners/climate-import/template.xlsx": "302 200 200 403 403 403",
    "GET /partners/follow-ups/": "302 200 200 403 403 403",
    "GET /partners/follow-ups/<int:pk>/": "302 200 200 403 403 403",
    "GET /partners/import/": "302 200 200 403 403 403",
    "GET /partners/import/template.csv": "302 200 200 403 403 403",
    "GET /partners/import/template.xlsx": "302 200 200 403 403 403",
    "GET /programme/guidelines/": "404 404 404 404 404 404",
    "GET /programme/symbol/": "404 404 404 404 404 404",
    "GET /robots.txt": "200 200 200 200 200 200",
    "GET /sitemap.xml": "200 200 200 200 200 200",
    "GET /support/enter/<str:token>/": "404 404 404 404 404 404",
    "GET /unsubscribe/<str:token>/": "404 404 404 404 404 404",
    "GET /verify/<str:code>/": "404 404 404 404 404 404",
    "GET /widget/embed.js": "200 200 200 200 200 200",
    "GET /widget/frame/": "200 200 200 200 200 200",
    "PATCH /api/v1/actions/{id}/": "4xx",
    "PATCH /api/v1/announcements/{id}/": "4xx",
    "PATCH /api/v1/annual-wheel/{id}/": "4xx",
    "PATCH /api/v1/assessment-questions/{id}/": "4xx",
    "PATCH /api/v1/award-categories/{id}/": "4xx",
    "PATCH /api/v1/certificates/{id}/": "4xx",
    "PATCH /api/v1/certification-rules/{id}/": "4xx",
    "PATCH /api/v1/certification-schemes/{id}/": "4xx",
    "PATCH /api/v1/climate-accounts/{id}/": "4xx",
    "PATCH /api/v1/contacts/{id}/": "4xx",
    "PATCH /api/v1/events/{id}/": "4xx",
    "PATCH /api/v1/fee-schedules/{id}/": "4xx",
    "PATCH /api/v1/goals/{id}/": "4xx",
    "PATCH /api/v1/matchmaking-profiles/{id}/": "4xx",
    "PATCH /api/v1/matchmaking-sessions/{id}/": "4xx",
    "PATCH /api/v1/matchmaking-tags/{id}/": "4xx",
    "PATCH /api/v1/obligations/{id}/": "4xx",
    "PATCH /api/v1/other-income/{id}/": "4xx",
    "PATCH /api/v1/privacy-statements/{id}/": "4xx",
    "PATCH /api/v1/programme/{id}/": "4xx",
    "PATCH /api/v1/signing-rounds/{id}/": "4xx",
    "PATCH /api/v1/tiers/{id}/": "4xx",
    "POST /api/v1/actions/": "4xx",
    "POST /api/v1/actions/copy/": "4xx",
    "POST /api/v1/actions/{id}/archive/": "4xx",
    "POST /api/v1/actions/{id}/publish/": "4xx",
    "POST /api/v1/actions/{id}/pull-update/": "4xx",
    "POST /api/v1/actions/{id}/restore/": "4xx",
    "POST /api/v1/actions/{id}/withdraw/": "4xx",
    "POST /api/v1/announcements/": "4xx",
    "POST /api/v1/announcements/recipients-preview/": "4xx",
    "POST /api/v1/announcements/{id}/send/": "4xx",
    "POST /api/v1/announcements/{id}/unschedule/": "4xx",
    "POST /api/v1/annual-wheel/": "4xx",
    "POST /api/v1/assessment-questions/": "4xx",
    "POST /api/v1/auth/token/": "4xx",
    "POST /api/v1/award-categories/": "4xx",
    "POST /api/v1/award-nominations/": "4xx",
    "POST /api/v1/award-nominations/{id}/eligibility/": "4xx",
    "POST /api/v1/award-rounds/": "4xx",
    "POST /api/v1/award-rounds/{id}/announce/": "4xx",
    "POST /api/v1/award-rounds/{id}/close/": "4xx",
    "POST /api/v1/award-rounds/{id}/start-scoring/": "4xx",
    "POST /api/v1/award-scores/": "4xx",
    "POST /api/v1/award-scores/submit/": "4xx",
    "POST /api/v1/certificates/": "4xx",
    "POST /api/v1/certification-rules/": "4xx",
    "POST /api/v1/certification-schemes/": "4xx",
    "POST /api/v1/climate-accounts/": "4xx",
    "POST /api/v1/climate-accounts/import/": "4xx",
    "POST /api/v1/contacts/": "4xx",
    "POST /api/v1/event-registrations/": "4xx",
    "POST /api/v1/event-registrations/calendar-link/": "4xx",
    "POST /api/v1/event-registrations/{id}/cancel/": "4xx",
    "POST /api/v1/events/": "4xx",
    "POST /api/v1/events/{id}/attendance/": "4xx",
    "POST /api/v1/events/{id}/cancel/": "4xx",
    "POST /api/v1/events/{id}/register/": "4xx",
    "POST /api/v1/fee-schedules/": "4xx",
    "POST /api/v1/follow-ups/open/": "4xx",
    "POST /api/v1/follow-ups/{id}/submit/": "4xx",
    "POST /api/v1/goals/": "4xx",
    "POST /api/v1/goals/{id}/approve/": "4xx",
    "POST /api/v1/goals/{id}/comment/": "4xx",
    "POST /api/v1/inbox/{id}/read/": "4xx",
    "POST /api/v1/invitations/": "4xx",
    "POST /api/v1/invoices/payments-import/": "4xx",
    "POST /api/v1/invoices/run/": "4xx",
    "POST /api/v1/invoices/{id}/credit/": "4xx",
    "POST /api/v1/invoices/{id}/payments/": "4xx",
    "POST /api/v1/invoicing-settings/": "4xx",
    "POST /api/v1/matchmaking-profiles/": "4xx",
    "POST /api/v1/matchmaking-sessions/": "4xx",
    "POST /api/v1/matchmaking-sessions/{id}/compute/": "4xx",
    "POST /api/v1/matchmaking-sessions/{id}/send/": "4xx",
    "POST /api/v1/matchmaking-tags/": "4xx",
    "POST /api/v1/notification-preferences/": "4xx",
    "POST /api/v1/obligations/": "4xx",
    "POST /api/v1/other-income/": "4xx",
    "POST /api/v1/partners/import/": "4xx",
    "POST /api/v1/partners/{id}/transition/": "4xx",
    "POST /api/v1/people/{id}/deactivate/": "4xx",
    "POST /api/v1/people/{id}/reactivate/": "4xx",
    "POST /api/v1/privacy-statements/": "4xx",
    "POST /api/v1/privacy-statements/{id}/publish/": "4xx",
    "POST /api/v1/privacy/erasures/": "4xx",
    "POST /api/v1/signing-rounds/": "4xx",
    "POST /api/v1/tiers/": "4xx",
    "PUT /api/v1/actions/{id}/": "4xx",
    "PUT /api/v1/announcements/{id}/": "4xx",
    "PUT /api/v1/annual-wheel/{id}/": "4xx",
    "PUT /api/v1/assessment-questions/{id}/": "4xx",
    "PUT /api/v1/award-categories/{id}/": "4xx",
    "PUT /api/v1/billing-details/{id}/": "4xx",
    "PUT /api/v1/certificates/{id}/": "4xx",
    "PUT /api/v1/certification-rules/{id}/": "4xx",
    "PUT /api/v1/certification-schemes/{id}/": "4xx",
    "PUT /api/v1/climate-accounts/{id}/": "4xx",
    "PUT /api/v1/contacts/{id}/": "4xx",
    "PUT /api/v1/events/{id}/": "4xx",
    "PUT /api/v1/fee-schedules/{id}/": "4xx",
    "PUT /api/v1/goals/{id}/": "4xx",
    "PUT /api/v1/matchmaking-profiles/{id}/": "4xx",
    "PUT /api/v1/matchmaking-sessions/{id}/": "4xx",
    "PUT /api/v1/matchmaking-tags/{id}/": "4xx",
    "PUT /api/v1/obligations/{id}/": "4xx",
    "PUT /api/v1/other-income/{id}/": "4xx",
    "PUT /api/v1/privacy-statements/{id}/": "4xx",
    "PUT /api/v1/privacy/retention/": "4xx",
    "PUT /api/v1/programme/{id}/": "4xx",
    "PUT /api/v1/signing-rounds/{id}/": "4xx",
    "PUT /api/v1/tiers/{id}/": "4xx",
    "platform: DELETE /api/v1/tenants/{slug}/domains/{domain}/": "4xx",
    "platform: GET /": "302 200",
    "platform: GET /accounts/2fa/": "302 200",
    "platform: GET /accounts/2fa/authenticate/": "302 302",
    "platform: GET /accounts/2fa/reauthenticate/": "302 302",
    "platform: GET /accounts/2fa/recovery-codes/": "302 404",
    "platform: GET /accounts/2fa/recovery-codes/download/": "302 404",
    "platform: GET /accounts/2fa/recovery-codes/generate/": "302 302",
    "platform: GET /accounts/2fa/totp/activate/": "302 302",
    "platform: GET /accounts/2fa/totp/deactivate/": "302 404",
    "platform: GET /accounts/2fa/webauthn/": "302 200",
    "platform: GET /accounts/2fa/webauthn/add/": "302 302",
    "platform: GET /accounts/2fa/webauthn/keys/<int:pk>/edit/": "302 302",
    "platform: GET /accounts/2fa/webauthn/keys/<int:pk>/remove/": "302 302",
    "platform: GET /accounts/2fa/webauthn/reauthenticate/": "302 302",
    "platform: GET /accounts/3rdparty/": "302 200",
    "platform: GET /accounts/3rdparty/login/cancelled/": "200 200",
    "platform: GET /accounts/3rdparty/login/error/": "401 401",
    "platform: GET /accounts/3rdparty/signup/": "302 302",
    r"platform: GET /accounts/^confirm-email/(?P<key>[-:\w]+)/$": "404 404",
    "platform: GET /accounts/^password/reset/key/(?P<uidb36>[0-9A-Za-z]+)-(?P<key>.+)/$": "404 404",
    "platform: GET /accounts/confirm-email/": "200 200",
    "platform: GET /accounts/email/": "302 200",
    "platform: GET /accounts/inactive/": "200 200",
    "platform: GET /accounts/login/": "200 302",
    "platform: GET /accounts/login/code/confirm/": "302 302",
    "platform: GET /accounts/logout/": "302 200",
    "platform: GET /accounts/oidc/^(?P<provider_id>[^/]+)/login/": "404 404",
    "platform: GET /accounts/oidc/^(?P<provider_id>[^/]+)/login/callback/": "404 404",
    "platform: GET /accounts/password/change/": "302 200",
    "platform: GET /accounts/password/reset/": "200 200",
    "platform: GET /accounts/password/reset/done/": "200 200",
    "platform: GET /accounts/password/reset/key/done/": "200 200",
    "platform: GET /accounts/password/set/": "302 302",
    "platform: GET /accounts/reauthenticate/": "302 200",
    "platform: GET /accounts/sessions/": "302 200",
    "platform: GET /accounts/signup/": "200 302",
    "platform: GET /accounts/social/connections/": "301 301",
    "platform: GET /accounts/social/login/cancelled/": "301 301",
    "platform: GET /accounts/social/login/error/": "301 301",
    "platform: GET /accounts/social/signup/": "301 301",
    "platform: GET /api/docs/": "401 200",
    "platform: GET /api/schema/": "401 200",
    "platform: GET /api/v1/": "401 200",
    "platform: GET /api/v1/library-actions/": "401 200",
    "platform: GET /api/v1/library-actions/{uuid}/": "404 404",
    "platform: GET /api/v1/platform-figures/": "401 200",
    "platform: GET /api/v1/support-grants/": "401 200",
    "platform: GET /api/v1/support-grants/{id}/": "401 404",
    "platform: GET /api/v1/tenant-sso/{slug}/": "401 404",
    "platform: GET /api/v1/tenants/": "401 200",
    "platform: GET /api/v1/tenants/{slug}/": "401 200",
    "platform: GET /i18n/setlang/": "302 302",
    "platform: GET /library/": "302 200",
    "platform: GET /library/<uuid:uuid>/": "302 404",
    "platform: GET /my-data.json": "302 200",
    "platform: GET /reports/": "302 200",
    "platform: GET /reports/tenants.csv": "302 200",
    "platform: GET /tenants/<slug:slug>/": "302 200",
    "platform: GET /tenants/<slug:slug>/reactivate/": "302 405",
    "platform: GET /tenants/<slug:slug>/settings/": "302 200",
    "platform: GET /tenants/<slug:slug>/settings/logo/": "302 404",
    "platform: GET /tenants/<slug:slug>/sso/": "302 200",
    "platform: GET /tenants/<slug:slug>/onboarding/": "302 200",
    "platform: GET /tenants/<slug:slug>/onboarding/discard/": "302 405",
    "platform: GET /tenants/<slug:slug>/onboarding/retry/": "302 405",
    "platform: GET /tenants/<slug:slug>/support/": "302 200",
    "platform: GET /tenants/<slug:slug>/support/<int:pk>/end/": "302 404",
    "platform: GET /tenants/<slug:slug>/support/<int:pk>/enter/": "302 405",
    "platform: GET /tenants/<slug:slug>/suspend/": "302 405",
    "platform: GET /tenants/new/": "302 200",
    "platform: PATCH /api/v1/tenants/{slug}/": "4xx",
    "platform: POST /api/v1/library-actions/{uuid}/hide/": "4xx",
    "platform: POST /api/v1/library-actions/{uuid}/restore/": "4xx",
    "platform: POST /api/v1/support-grants/": "4xx",
    "platform: POST /api/v1/support-grants/{id}/end/": "4xx",
    "platform: POST /api/v1/tenants/": "4xx",
    "platform: POST /api/v1/tenants/{slug}/domains/": "4xx",
    "platform: POST /api/v1/tenants/{slug}/reactivate/": "4xx",
    "platform: POST /api/v1/tenants/{slug}/suspend/": "4xx",
    "platform: POST /api/v1/tenants/{slug}/retry-onboarding/": "4xx",
    "platform: PUT /api/v1/tenant-sso/{slug}/": "4xx",
}
# fmt: on


def _walk(patterns: list, prefix: str = "") -> Iterator[str]:
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern.url_patterns, route)
        elif isinstance(pattern, URLPattern):
            yield route


def _fill(route: str, values: dict[str, str]) -> str:
    def converter(match: re.Match[str]) -> str:
        kind, name = match[1] or "str", match[2]
        return values.get(name) or CONVERTER_VALUES.get(kind, "x")

    path = re.sub(r"<(?:(\w+):)?(\w+)>", converter, route)
    path = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda match: values.get(match[1], "1"), path)
    path = re.sub(r"\{(\w+)\}", lambda match: values.get(match[1], "1"), path)
    return "/" + path.replace("^", "").replace("$", "").lstrip("/")


@cache
def rows(host: str) -> dict[str, tuple[str, str]]:
    """Row key → (method, concrete path) for one host ("tenant" or "platform")."""
    urlconf = "saas.urls_tenant" if host == "tenant" else "saas.urls_public"
    values = PARAMETERS[host]
    found: dict[str, tuple[str, str]] = {}
    for route in _walk(get_resolver(urlconf).url_patterns):
        if "format" in route or (route.startswith("api/v1/^") and route != "api/v1/^$"):
            continue  # the routers' operations come from the schema below
        found[f"GET /{route}"] = ("get", _fill(route, values))
    schema = SchemaGenerator(urlconf=urlconf).get_schema(request=None, public=True)
    for path, operations in schema["paths"].items():
        for method in operations:
            if method in {"get", *UNSAFE}:
                found[f"{method.upper()} {path}"] = (method, _fill(path, values))
    prefix = "" if host == "tenant" else "platform: "
    return {prefix + key: value for key, value in found.items()}


def _clients(alpha: World, beta: World, operator) -> dict[str, tuple[str, Client]]:  # type: ignore[no-untyped-def]
    """Column → (host kind, client); unsafe methods go without a CSRF token."""
    clients: dict[str, tuple[str, Client]] = {}
    for persona in TENANT_COLUMNS:
        client = Client(HTTP_HOST=alpha.host, enforce_csrf_checks=True)
        if persona != "anonymous":
            with tenant_context(alpha.tenant):
                sign_in(client, alpha.users[persona])
        clients[persona] = ("tenant", client)
    intruder = Client(HTTP_HOST=alpha.host, enforce_csrf_checks=True)
    with tenant_context(beta.tenant):
        sign_in(intruder, beta.users["municipal_admin"])
    clients["beta_session"] = ("tenant", intruder)
    clients["platform:anonymous"] = (
        "platform",
        Client(HTTP_HOST="localhost", enforce_csrf_checks=True),
    )
    platform_operator = Client(HTTP_HOST="localhost", enforce_csrf_checks=True)
    with schema_context("public"):
        sign_in(platform_operator, operator)
    clients["platform:operator"] = ("platform", platform_operator)
    tenant_session = Client(HTTP_HOST="localhost", enforce_csrf_checks=True)
    tenant_session.cookies = clients["municipal_admin"][1].cookies
    clients["platform:alpha_session"] = ("platform", tenant_session)
    return clients


def _expected(row: str, column: str) -> str:
    cells = MATRIX[row].split()
    if cells == ["4xx"]:
        return "4xx"
    columns = PLATFORM_COLUMNS if row.startswith("platform: ") else TENANT_COLUMNS
    name = column.removeprefix("platform:")
    name = "anonymous" if name in {"beta_session", "alpha_session"} else name
    return cells[columns.index(name)]


def _forbidden_markers(column: str) -> list[str]:
    if column == "platform:operator":
        return []  # operators see the tenants' names in the console
    markers = ["BETA-MARKER", "PLATFORM-MARKER"]
    if column.startswith("platform:"):
        markers.append("ALPHA-MARKER")
    if column == "other_partner_member":
        markers += FIRST_PARTNER_PRIVATE
    if column in {"partner_admin", "partner_member"}:
        markers += OTHER_PARTNER_PRIVATE
    return markers


COLUMNS = [
    *TENANT_COLUMNS,
    "beta_session",
    "platform:anonymous",
    "platform:operator",
    "platform:alpha_session",
]


@pytest.mark.parametrize("column", COLUMNS)
def test_access_matrix(alpha: World, beta: World, operator, column: str) -> None:  # type: ignore[no-untyped-def]
    host, client = _clients(alpha, beta, operator)[column]
    table = rows(host)
    recording = os.environ.get("KP_MATRIX_RECORD")
    if not recording:
        missing = sorted(set(table) - set(MATRIX))
        assert not missing, "add these URLs to MATRIX in tests/test_access_matrix.py:\n" + (
            "\n".join(missing)
        )
        stale = sorted(
            key for key in MATRIX if key.startswith("platform: ") == (host == "platform")
        )
        assert set(stale) <= set(table), sorted(set(stale) - set(table))
    markers = _forbidden_markers(column)
    problems, seen = [], {}
    for row, (method, path) in sorted(table.items()):
        response = client.generic(method.upper(), path)
        status = response.status_code
        content = b"".join(response.streaming_content) if response.streaming else response.content
        body = content.decode(errors="replace")
        seen[row] = status
        if status >= 500:
            problems.append(f"{row} ({path}): server error {status}")
        leaked = [marker for marker in markers if marker in body]
        if leaked:
            problems.append(f"{row} ({path}): shows {leaked}")
        if recording:
            continue
        expected = _expected(row, column)
        if expected == "4xx" and not 400 <= status < 500:
            problems.append(f"{row} ({path}): {status}, expected a 4xx")
        elif expected != "4xx" and str(status) != expected:
            problems.append(f"{row} ({path}): {status}, expected {expected}")
    if recording:
        recorded = json.loads(Path(recording).read_text()) if os.path.exists(recording) else {}
        recorded[column] = seen
        Path(recording).write_text(json.dumps(recorded))
    assert not problems, f"{column}:\n" + "\n".join(problems)


def test_the_personas_of_the_matrix_are_those_of_conftest() -> None:
    assert TENANT_COLUMNS[1:] == [persona for persona, _ in PERSONAS]
    assert OPERATOR_EMAIL

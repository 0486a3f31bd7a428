"""The bench's URLconf: only the routing figure's view."""

from django.urls import path

from tenants.benchmark.views import five_queries

urlpatterns = [path("bench/five-queries/", five_queries, name="bench-five-queries")]

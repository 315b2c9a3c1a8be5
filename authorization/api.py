"""Read-only REST: ``GET /api/v1/authorizations/`` and ``GET /api/v1/authorizations/{id}/``.

API key or session; every read goes through the selectors, scoped to the caller's
enterprise: another enterprise's authorization is simply not found (404).
"""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics, serializers

from customs_portal.api import request_enterprise

from . import selectors
from .models import Authorization, AuthorizationHistory, AuthorizationStatus


class HistorySerializer(serializers.ModelSerializer):
    actor = serializers.CharField(source="actor_display")
    # stored as a message id (or a reviewer's own words): rendered in the request's language
    reason = serializers.CharField(source="reason_text")

    class Meta:
        model = AuthorizationHistory
        fields = ["at", "event", "from_status", "to_status", "actor", "reason"]


class AuthorizationSerializer(serializers.ModelSerializer):
    principal_customs_code = serializers.CharField(source="principal.customs_code", read_only=True)
    agent_customs_code = serializers.CharField(source="agent.customs_code", read_only=True)
    has_pending_change = serializers.BooleanField(read_only=True)

    class Meta:
        model = Authorization
        fields = [
            "id", "number", "status", "scope", "valid_from", "valid_to", "auto_renew",
            "review_due_date", "party_details_outdated", "has_pending_change", "initiated_by",
            "principal", "principal_customs_code", "principal_name", "principal_uscc",
            "principal_contact_name", "principal_contact_phone", "principal_contact_email",
            "agent", "agent_customs_code", "agent_name", "agent_uscc",
            "agent_contact_name", "agent_contact_phone", "agent_contact_email",
            "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = fields


class AuthorizationDetailSerializer(AuthorizationSerializer):
    history = serializers.SerializerMethodField()

    class Meta(AuthorizationSerializer.Meta):
        fields = [*AuthorizationSerializer.Meta.fields, "history"]
        read_only_fields = fields

    def get_history(self, obj) -> list[dict]:
        return HistorySerializer(selectors.authorization_history(authorization=obj), many=True).data


class AuthorizationFilterSerializer(serializers.Serializer):
    """The list's query parameters; anything malformed is a 400, never silently ignored."""

    status = serializers.ChoiceField(choices=AuthorizationStatus.choices, required=False)
    counterparty = serializers.IntegerField(required=False, min_value=1)
    expiring_within = serializers.IntegerField(required=False, min_value=0, max_value=3660)
    q = serializers.CharField(required=False, max_length=100, allow_blank=True)


@extend_schema_view(get=extend_schema(parameters=[AuthorizationFilterSerializer]))
class AuthorizationListView(generics.ListAPIView):
    """The caller's authorizations (as principal or agent);
    ``?status=&counterparty=&expiring_within=&q=``."""

    serializer_class = AuthorizationSerializer

    def get_queryset(self):
        params = AuthorizationFilterSerializer(data=self.request.query_params)
        params.is_valid(raise_exception=True)
        data = params.validated_data
        return selectors.authorization_list(
            enterprise=request_enterprise(self.request),
            status=data.get("status", ""),
            counterparty=data.get("counterparty"),
            search=data.get("q", ""),
            expiring_within=data.get("expiring_within"),
        )


class AuthorizationDetailView(generics.RetrieveAPIView):
    serializer_class = AuthorizationDetailSerializer

    def get_object(self):
        return selectors.authorization_get(enterprise=request_enterprise(self.request), pk=self.kwargs["pk"])

"""Organisations and their target groups (names and sizes in the population only: who belongs
to a group is private, and no count of members is given)."""

from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics, serializers
from rest_framework.permissions import AllowAny

from vocaleyes.models import Organisation, TargetGroup


class OrganisationSerializer(serializers.ModelSerializer[Organisation]):
    name = serializers.CharField(read_only=True, help_text="In the language of the request.")
    part_of = serializers.CharField(
        source="parent.slug",
        read_only=True,
        allow_null=True,
        default=None,
        help_text="The slug of the regional or national organisation this one belongs to.",
    )
    contact = serializers.ListField(child=serializers.CharField(), read_only=True)
    url = serializers.HyperlinkedIdentityField(view_name="api-v1:organisation-detail", lookup_field="slug")

    class Meta:
        model = Organisation
        fields = ["slug", "name", "name_en", "name_cy", "kind", "level", "part_of", "contact", "url"]


class TargetGroupSerializer(serializers.ModelSerializer[TargetGroup]):
    name = serializers.CharField(read_only=True, help_text="In the language of the request.")

    class Meta:
        model = TargetGroup
        fields = ["id", "name", "name_en", "name_cy", "kind", "population_size", "population_source"]


@extend_schema_view(get=extend_schema(summary="Organisations", tags=["organisations"]))
class OrganisationList(generics.ListAPIView[Organisation]):
    serializer_class = OrganisationSerializer
    permission_classes = [AllowAny]
    queryset = Organisation.objects.select_related("parent").order_by("name_en", "pk")
    filterset_fields = ["kind", "level"]


@extend_schema_view(get=extend_schema(summary="One organisation", tags=["organisations"]))
class OrganisationDetail(generics.RetrieveAPIView[Organisation]):
    serializer_class = OrganisationSerializer
    permission_classes = [AllowAny]
    queryset = Organisation.objects.select_related("parent")
    lookup_field = "slug"


@extend_schema_view(
    get=extend_schema(summary="An organisation's target groups (names and sizes)", tags=["organisations"])
)
class TargetGroupList(generics.ListAPIView[TargetGroup]):
    serializer_class = TargetGroupSerializer
    permission_classes = [AllowAny]
    queryset = TargetGroup.objects.order_by("kind", "name_en", "pk")
    filterset_fields = ["kind"]

    def get_queryset(self) -> QuerySet[TargetGroup]:
        if getattr(self, "swagger_fake_view", False):  # the schema's generator asks for the model
            return super().get_queryset()
        organisation = get_object_or_404(Organisation, slug=self.kwargs["slug"])
        return super().get_queryset().filter(organisation=organisation)

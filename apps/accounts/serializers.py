from rest_framework import serializers

from apps.accounts.models import Membership, User


class MyMembershipSerializer(serializers.ModelSerializer):
    product: serializers.SlugRelatedField = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = Membership
        fields = ["product", "role"]


class MeSerializer(serializers.ModelSerializer):
    memberships = MyMembershipSerializer(many=True, read_only=True)

    class Meta:
        model = User
        fields = ["id", "username", "first_name", "last_name", "email", "memberships"]

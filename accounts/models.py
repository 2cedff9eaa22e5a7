"""People and their personal access tokens. A person is not tenant-owned: one account can
hold roles in several networks (networks.Membership)."""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create(self, email: str, password: str | None, **fields):
        if not email:
            raise ValueError("A person needs an email address.")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **fields):
        fields.setdefault("is_staff", False)
        fields.setdefault("is_superuser", False)
        return self._create(email, password, **fields)

    def create_superuser(self, email: str, password: str | None = None, **fields):
        fields.update(is_staff=True, is_superuser=True)
        return self._create(email, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    email = models.EmailField(_("email address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=200, blank=True)
    job_title = models.CharField(_("job title"), max_length=200, blank=True)
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default="en"
    )
    time_zone = models.CharField(_("time zone"), max_length=64, blank=True)
    is_staff = models.BooleanField(
        _("platform operator"),
        default=False,
        help_text=_("Operators create networks; they see no network content without a role in it."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)
    # Set when the person's data was erased on their request (accounts.privacy): the row
    # stays, under a pseudonym, so that what they signed keeps its signer.
    erased_at = models.DateTimeField(_("personal data erased"), null=True, blank=True)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["full_name", "email"]

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_full_name(self) -> str:
        return self.full_name or self.email

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class AccessToken(models.Model):
    """A personal access token for scripts. Only its SHA-256 is stored; the secret is shown
    once, when it is created."""

    PREFIX = "np_"

    class Scope(models.TextChoices):
        READ = "read", _("Read only")
        READ_WRITE = "read_write", _("Read and write")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="access_tokens"
    )
    name = models.CharField(_("name"), max_length=100)
    key_prefix = models.CharField(max_length=12, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    scope = models.CharField(_("access"), max_length=12, choices=Scope.choices, default=Scope.READ)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("personal access token")

    def __str__(self) -> str:
        return f"{self.name} ({self.key_prefix}…)"

    @classmethod
    def generate(cls) -> str:
        return cls.PREFIX + secrets.token_urlsafe(32)

    @property
    def is_usable(self) -> bool:
        now = timezone.now()
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)

    @property
    def allows_writes(self) -> bool:
        """Whether requests made with it may change things (the API's permission asks,
        networks.api.permissions.TokenScopeAllowsMethod)."""
        return self.scope == self.Scope.READ_WRITE


def _domains(text: str) -> list[str]:
    return sorted({d.strip().lower().lstrip("@") for d in text.replace(",", " ").split() if d})


class IdentityProvider(models.Model):
    """An agency's OpenID Connect identity provider (Microsoft Entra ID or any other), set
    up by the platform operators: the email domains it speaks for, its issuer and the
    portal's client registration there. A person whose address is in one of its domains is
    sent there to sign in; with `password_sign_in` off, the portal's own password no longer
    works for those addresses. The client secret is stored encrypted (accounts.crypto) and
    never shown back."""

    name = models.CharField(
        _("name"), max_length=100, help_text=_("What people see, e.g. “UNDP (Microsoft 365)”.")
    )
    slug = models.SlugField(
        _("short name"),
        max_length=40,
        unique=True,
        help_text=_("Part of the sign-in address, e.g. “undp”. Do not change it once in use."),
    )
    organisation = models.ForeignKey(
        "networks.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="identity_providers",
        verbose_name=_("organisation"),
    )
    domains = models.TextField(
        _("email domains"),
        help_text=_("The email domains it speaks for, one per line, e.g. “undp.org”."),
    )
    issuer = models.URLField(
        _("issuer"),
        help_text=_(
            "For Entra ID: https://login.microsoftonline.com/<tenant id>/v2.0 (the portal reads "
            "/.well-known/openid-configuration under it)."
        ),
    )
    client_id = models.CharField(_("client id"), max_length=200)
    client_secret = models.TextField(editable=False, default="")
    secret_set_at = models.DateTimeField(_("client secret set"), null=True, editable=False)
    password_sign_in = models.BooleanField(
        _("password sign-in allowed"),
        default=True,
        help_text=_(
            "Off: people of these domains can sign in only through the identity provider; "
            "their portal password no longer works."
        ),
    )
    mfa_amr_values = models.CharField(
        _("MFA methods (amr)"),
        max_length=200,
        blank=True,
        default="mfa",
        help_text=_(
            "Any of these values in the ID token's “amr” claim proves a second factor, e.g. "
            "“mfa”. Separate them with spaces."
        ),
    )
    mfa_acr_values = models.CharField(
        _("MFA levels (acr)"),
        max_length=200,
        blank=True,
        help_text=_("The ID token's “acr” claim equal to one of these proves a second factor."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("identity provider")
        verbose_name_plural = _("identity providers")

    def __str__(self) -> str:
        return self.name

    @property
    def domain_list(self) -> list[str]:
        return _domains(self.domains)

    def set_client_secret(self, raw: str) -> None:
        from accounts.crypto import encrypt

        self.client_secret = encrypt(raw)
        self.secret_set_at = timezone.now()

    def proves_mfa(self, id_token: dict) -> bool:
        amr = id_token.get("amr") or []
        if isinstance(amr, str):
            amr = [amr]
        if set(self.mfa_amr_values.split()) & {str(value) for value in amr}:
            return True
        acr = id_token.get("acr")
        return bool(acr) and str(acr) in self.mfa_acr_values.split()


class OperatorAction(LogEntry):
    """Django's admin log (every addition, change, deletion and action in the operators'
    admin), under the name the operators' pages show. The audit log joins it later."""

    class Meta:
        proxy = True
        verbose_name = _("operator action")
        verbose_name_plural = _("operator actions")
        ordering = ["-action_time"]


class Erasure(models.Model):
    """The record that a person's personal data was erased on their request: who asked it
    done, why, when, and the pseudonym the person now goes by. `address_digest` is a keyed
    SHA-256 of the former address (accounts.privacy.address_digest), never the address: it
    lets the pages recognise the person in a frozen record that still holds it (approved
    minutes' attendance) and show the pseudonym there instead."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="erasure"
    )
    pseudonym = models.CharField(_("pseudonym"), max_length=200)
    address_digest = models.CharField(max_length=64, db_index=True, editable=False)
    reason = models.CharField(_("reason"), max_length=500)
    erased_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("erased by"),
    )
    erased_at = models.DateTimeField(_("erased"))

    class Meta:
        ordering = ["-erased_at"]
        verbose_name = _("erasure of personal data")
        verbose_name_plural = _("erasures of personal data")

    def __str__(self) -> str:
        return self.pseudonym

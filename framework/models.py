"""The Framework for Action catalogue: pillars, Protocol requirements and their six columns.

The catalogue is versioned: every node belongs to one ``Framework`` (an edition), and its code
(``1.4``, ``1.4.IM3``, ``1.4.R2``) is unique within that framework and stable across reloads, so
assessments, URLs, the API and PDFs can all cite it. Objectives, framework indicators,
implementation measures and operational indicators share one table (``Item``) distinguished by
``kind``; each kind also has a proxy model so the admin and the code can name it.
"""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class FrameworkQuerySet(models.QuerySet["Framework"]):
    def current(self) -> Framework | None:
        """The newest loaded edition, the one new assessments and the public browser use."""
        return self.order_by("-edition", "-pk").first()


class Framework(models.Model):
    code = models.SlugField(_("code"), max_length=40, unique=True)
    title = models.CharField(_("title"), max_length=300)
    edition = models.CharField(_("edition"), max_length=40)
    publisher = models.CharField(_("publisher"), max_length=200, blank=True)
    published = models.CharField(_("published"), max_length=20, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = FrameworkQuerySet.as_manager()

    class Meta:
        ordering = ["-edition", "code"]
        verbose_name = _("framework")
        verbose_name_plural = _("frameworks")

    def __str__(self) -> str:
        return f"{self.title} ({self.edition})"

    def get_absolute_url(self) -> str:
        return reverse("framework:overview", args=[self.code])


class PillarQuerySet(models.QuerySet["Pillar"]):
    def with_counts(self) -> PillarQuerySet:
        """Each pillar with its number of requirement rows and of items per column."""
        kinds = Item.Kind
        return self.annotate(
            requirement_count=Count("requirements", filter=Q(requirements__is_overview=False), distinct=True),
            objective_count=Count("items", filter=Q(items__kind=kinds.OBJECTIVE), distinct=True),
            framework_indicator_count=Count(
                "items", filter=Q(items__kind=kinds.FRAMEWORK_INDICATOR), distinct=True
            ),
            implementation_measure_count=Count(
                "items", filter=Q(items__kind=kinds.IMPLEMENTATION_MEASURE), distinct=True
            ),
            operational_indicator_count=Count(
                "items", filter=Q(items__kind=kinds.OPERATIONAL_INDICATOR), distinct=True
            ),
            resource_count=Count("citations", distinct=True),
        )


class Pillar(models.Model):
    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="pillars")
    number = models.PositiveSmallIntegerField(_("number"))
    code = models.CharField(_("code"), max_length=10)
    name = models.CharField(_("name"), max_length=200)

    objects = PillarQuerySet.as_manager()

    class Meta:
        ordering = ["framework", "number"]
        verbose_name = _("pillar")
        verbose_name_plural = _("pillars")
        constraints = [
            models.UniqueConstraint(fields=["framework", "number"], name="pillar_unique_number"),
            models.UniqueConstraint(fields=["framework", "code"], name="pillar_unique_code"),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.name}"

    def get_absolute_url(self) -> str:
        return reverse("framework:pillar", args=[self.framework.code, self.number])


class RequirementQuerySet(models.QuerySet["Requirement"]):
    def with_counts(self) -> RequirementQuerySet:
        kinds = Item.Kind
        return self.annotate(
            framework_indicator_count=Count(
                "items", filter=Q(items__kind=kinds.FRAMEWORK_INDICATOR), distinct=True
            ),
            implementation_measure_count=Count(
                "items", filter=Q(items__kind=kinds.IMPLEMENTATION_MEASURE), distinct=True
            ),
            operational_indicator_count=Count(
                "items", filter=Q(items__kind=kinds.OPERATIONAL_INDICATOR), distinct=True
            ),
            resource_count=Count("resources", distinct=True),
        )

    def with_detail(self) -> RequirementQuerySet:
        """Everything a requirement page or its API detail shows, in a fixed number of queries."""
        return self.select_related("pillar", "framework").prefetch_related(
            models.Prefetch("items", queryset=Item.objects.order_by("kind_order", "position")),
            models.Prefetch(
                "resources", queryset=ResourceCitation.objects.select_related("document").order_by("position")
            ),
        )


class Requirement(models.Model):
    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="requirements")
    pillar = models.ForeignKey(Pillar, on_delete=models.CASCADE, related_name="requirements")
    code = models.CharField(_("code"), max_length=10)
    position = models.PositiveSmallIntegerField(_("position"))
    title = models.TextField(_("Protocol requirement"))
    articles = models.JSONField(_("article references"), default=list, blank=True)
    is_overview = models.BooleanField(_("overview row"), default=False)
    source_lines = models.CharField(_("source lines"), max_length=200, blank=True)
    # The themes (framework.themes) it concerns, from fixtures/reference/requirement_themes.json:
    # they match it to the organisations whose mandate covers it.
    themes = models.JSONField(_("themes"), default=list, blank=True)
    themes_source = models.CharField(_("source lines of the themes"), max_length=200, blank=True)

    objects = RequirementQuerySet.as_manager()

    class Meta:
        ordering = ["framework", "pillar__number", "position"]
        verbose_name = _("Protocol requirement")
        verbose_name_plural = _("Protocol requirements")
        constraints = [
            models.UniqueConstraint(fields=["framework", "code"], name="requirement_unique_code"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("framework:requirement", args=[self.framework.code, self.code])

    @property
    def article_text(self) -> str:
        return "; ".join(self.articles)


class Item(models.Model):
    """One cell paragraph of a requirement row: an objective, indicator or measure."""

    class Kind(models.TextChoices):
        OBJECTIVE = "objective", _("Specific objective")
        FRAMEWORK_INDICATOR = "framework_indicator", _("Framework indicator")
        IMPLEMENTATION_MEASURE = "implementation_measure", _("Implementation measure")
        OPERATIONAL_INDICATOR = "operational_indicator", _("Operational indicator")

    class AnswerType(models.TextChoices):
        COUNT = "count", _("Count")
        AMOUNT = "amount", _("Amount")
        YES_NO = "yes_no", _("Yes/no with evidence")
        NARRATIVE = "narrative", _("Narrative")

    # Column order in the printed tables, and the code prefix of each kind.
    KIND_ORDER: ClassVar[dict[str, int]] = {
        Kind.OBJECTIVE: 1,
        Kind.FRAMEWORK_INDICATOR: 2,
        Kind.IMPLEMENTATION_MEASURE: 3,
        Kind.OPERATIONAL_INDICATOR: 4,
    }
    CODE_PREFIX: ClassVar[dict[str, str]] = {
        Kind.OBJECTIVE: "O",
        Kind.FRAMEWORK_INDICATOR: "FI",
        Kind.IMPLEMENTATION_MEASURE: "IM",
        Kind.OPERATIONAL_INDICATOR: "OI",
    }
    ASSESSED_KINDS: ClassVar[tuple[str, ...]] = (Kind.FRAMEWORK_INDICATOR, Kind.IMPLEMENTATION_MEASURE)

    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="items")
    pillar = models.ForeignKey(Pillar, on_delete=models.CASCADE, related_name="items")
    requirement = models.ForeignKey(Requirement, on_delete=models.CASCADE, related_name="items")
    kind = models.CharField(_("column"), max_length=30, choices=Kind.choices)
    kind_order = models.PositiveSmallIntegerField(editable=False)
    position = models.PositiveSmallIntegerField(_("position"))
    code = models.CharField(_("code"), max_length=20)
    text = models.TextField(_("text"))
    band = models.PositiveSmallIntegerField(_("sub-row"), default=1)
    answer_type = models.CharField(_("answer type"), max_length=20, choices=AnswerType.choices, blank=True)
    source_lines = models.CharField(_("source lines"), max_length=200, blank=True)

    class Meta:
        ordering = [
            "framework",
            "requirement__pillar__number",
            "requirement__position",
            "kind_order",
            "position",
        ]
        verbose_name = _("item")
        verbose_name_plural = _("items")
        constraints = [
            models.UniqueConstraint(fields=["framework", "code"], name="item_unique_code"),
            models.CheckConstraint(
                condition=(Q(kind="operational_indicator") & ~Q(answer_type=""))
                | (~Q(kind="operational_indicator") & Q(answer_type="")),
                name="item_answer_type_only_for_operational_indicators",
            ),
        ]
        indexes = [models.Index(fields=["requirement", "kind_order", "position"], name="item_column_order")]

    def __str__(self) -> str:
        return self.code

    def save(self, *args: object, **kwargs: object) -> None:
        self.kind_order = self.KIND_ORDER[self.kind]
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def get_absolute_url(self) -> str:
        return reverse("framework:item", args=[self.framework.code, self.code])

    @property
    def is_assessed(self) -> bool:
        return self.kind in self.ASSESSED_KINDS


class _KindManager[M: Item](models.Manager[M]):
    def __init__(self, kind: str) -> None:
        super().__init__()
        self.kind = kind

    def get_queryset(self) -> models.QuerySet[M]:
        return super().get_queryset().filter(kind=self.kind)


class Objective(Item):
    objects: ClassVar[_KindManager[Objective]] = _KindManager(Item.Kind.OBJECTIVE)  # type: ignore[assignment]

    class Meta:
        proxy = True
        verbose_name = _("specific objective")
        verbose_name_plural = _("specific objectives")


class FrameworkIndicator(Item):
    objects: ClassVar[_KindManager[FrameworkIndicator]] = _KindManager(Item.Kind.FRAMEWORK_INDICATOR)  # type: ignore[assignment]

    class Meta:
        proxy = True
        verbose_name = _("framework indicator")
        verbose_name_plural = _("framework indicators")


class ImplementationMeasure(Item):
    objects: ClassVar[_KindManager[ImplementationMeasure]] = _KindManager(Item.Kind.IMPLEMENTATION_MEASURE)  # type: ignore[assignment]

    class Meta:
        proxy = True
        verbose_name = _("implementation measure")
        verbose_name_plural = _("implementation measures")


class OperationalIndicator(Item):
    objects: ClassVar[_KindManager[OperationalIndicator]] = _KindManager(Item.Kind.OPERATIONAL_INDICATOR)  # type: ignore[assignment]

    class Meta:
        proxy = True
        verbose_name = _("operational indicator")
        verbose_name_plural = _("operational indicators")


class ResourceDocument(models.Model):
    """An entry of the Framework's annex: a publication or an international legal instrument."""

    class Section(models.TextChoices):
        RESOURCES = "resources", _("Resources referred to in tables")
        LEGAL_INSTRUMENTS = "legal_instruments", _("International legal instruments")

    class Availability(models.TextChoices):
        AVAILABLE = "available", _("Available")
        TO_BE_PUBLISHED = "to_be_published", _("To be published")
        NONE = "none", _("No address given")

    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="documents")
    key = models.CharField(_("key"), max_length=10)
    section = models.CharField(_("section"), max_length=20, choices=Section.choices)
    position = models.PositiveSmallIntegerField(_("position"))
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    title = models.TextField(_("title"))
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    url = models.CharField(_("address"), max_length=500, blank=True)
    availability = models.CharField(_("availability"), max_length=20, choices=Availability.choices)
    note = models.TextField(_("note"), blank=True)
    source_lines = models.CharField(_("source lines"), max_length=200, blank=True)

    class Meta:
        ordering = ["framework", "position"]
        verbose_name = _("resource document")
        verbose_name_plural = _("resource documents")
        constraints = [
            models.UniqueConstraint(fields=["framework", "key"], name="document_unique_key"),
            models.CheckConstraint(
                condition=Q(year__isnull=True) | Q(year__gte=1900, year__lte=2100),
                name="document_year_plausible",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.key} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("framework:library", args=[self.framework.code]) + f"#{self.key}"

    @property
    def href(self) -> str:
        """The address as a link: the annex prints some as bare 'www.' addresses."""
        if self.url.startswith(("http://", "https://")):
            return self.url
        return f"http://{self.url}" if self.url else ""


class ResourceCitation(models.Model):
    """A resource as a table cell cites it, linked to its annex entry where there is one."""

    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="citations")
    pillar = models.ForeignKey(Pillar, on_delete=models.CASCADE, related_name="citations")
    requirement = models.ForeignKey(Requirement, on_delete=models.CASCADE, related_name="resources")
    position = models.PositiveSmallIntegerField(_("position"))
    code = models.CharField(_("code"), max_length=20)
    citation = models.TextField(_("citation"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    band = models.PositiveSmallIntegerField(_("sub-row"), default=1)
    document = models.ForeignKey(
        ResourceDocument, on_delete=models.PROTECT, null=True, blank=True, related_name="citations"
    )
    source_lines = models.CharField(_("source lines"), max_length=200, blank=True)

    class Meta:
        ordering = ["framework", "requirement__pillar__number", "requirement__position", "position"]
        verbose_name = _("resource citation")
        verbose_name_plural = _("resource citations")
        constraints = [
            models.UniqueConstraint(fields=["framework", "code"], name="citation_unique_code"),
        ]

    def __str__(self) -> str:
        return self.code


class Agency(models.Model):
    """A member organisation of ICAT, with the pillars its mandate and assistance cover."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=200)
    mandate = models.TextField(_("mandate"), blank=True)
    pillars = models.JSONField(_("pillars covered"), default=list, blank=True)
    # Theme -> the lines of the ICAT document (002) that show the mandate covers it.
    themes = models.JSONField(_("themes its mandate covers"), default=dict, blank=True)
    # The organisation's name today, where it changed since 2009 (UNIFEM is part of UN Women).
    current_name = models.CharField(_("name today"), max_length=200, blank=True)
    current_name_note = models.CharField(_("note on the name today"), max_length=300, blank=True)
    source_lines = models.CharField(_("source lines"), max_length=200, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("ICAT member organisation")
        verbose_name_plural = _("ICAT member organisations")

    def __str__(self) -> str:
        return self.code


class GuidingPrinciple(models.Model):
    number = models.PositiveSmallIntegerField(_("number"), unique=True)
    title = models.CharField(_("title"), max_length=300)
    text = models.TextField(_("text"))
    source_lines = models.CharField(_("source lines"), max_length=200, blank=True)

    class Meta:
        ordering = ["number"]
        verbose_name = _("guiding principle")
        verbose_name_plural = _("guiding principles")

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"


class DisaggregationDimension(models.Model):
    """A dimension along which counts may be broken down (footnote 19 of the Framework)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    group = models.CharField(_("group"), max_length=100, blank=True)
    position = models.PositiveSmallIntegerField(_("position"))

    class Meta:
        ordering = ["position"]
        verbose_name = _("disaggregation dimension")
        verbose_name_plural = _("disaggregation dimensions")

    def __str__(self) -> str:
        return self.name


class DisaggregationCategory(models.Model):
    dimension = models.ForeignKey(
        DisaggregationDimension, on_delete=models.CASCADE, related_name="categories"
    )
    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=200)
    position = models.PositiveSmallIntegerField(_("position"))

    class Meta:
        ordering = ["dimension__position", "position"]
        verbose_name = _("disaggregation category")
        verbose_name_plural = _("disaggregation categories")
        constraints = [
            models.UniqueConstraint(fields=["dimension", "code"], name="category_unique_code"),
        ]

    def __str__(self) -> str:
        return self.name


class TechnicalAssistanceArea(models.Model):
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    pillars = models.JSONField(_("pillars served"), default=list, blank=True)
    position = models.PositiveSmallIntegerField(_("position"))

    class Meta:
        ordering = ["position"]
        verbose_name = _("technical assistance area")
        verbose_name_plural = _("technical assistance areas")

    def __str__(self) -> str:
        return self.name

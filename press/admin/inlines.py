"""The rows a piece's change form edits with it: its passages, questions and answers, quotes, milestones
and mentions. Each formset checks its rows against the piece's text as the save leaves it."""

from django import forms
from django.contrib import admin
from django.db.models import UniqueConstraint
from django.forms.models import BaseInlineFormSet
from django.utils.text import slugify

from editorial.admin import (
    FetchedChoicesInline,
)
from editorial.validators import without_control_characters
from press import passages
from press.models import (
    Coverage,
    InterviewQuestion,
    Milestone,
    Passage,
    Quote,
)


class ParentPieceFormSet(BaseInlineFormSet):
    """Gives each inline form the piece being edited, unsaved or not, so it can check words against the
    text the editor is submitting rather than the text stored before."""

    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        form.piece = self.instance
        return form


def not_in_piece(words, piece):
    """None when words (str) stand in the piece's text (as submitted); else the error for the editor, or a
    request to paste the text first when the piece has none.
    """
    if not piece.text:
        return "This piece has no text yet: paste its text above before citing words from it."
    return passages.not_found_message(words, piece.text, "the text of this piece")


class PassageInlineForm(forms.ModelForm):
    """A passage on its piece's form: its words must stand in the text this save gives the piece."""

    def clean(self):
        """The cleaned data; an error on text when the words are not in the piece's text."""
        cleaned = super().clean()
        if (text := cleaned.get("text")) and (error := not_in_piece(text, self.piece)):
            self.add_error("text", error)
        return cleaned


class PassageFormSet(ParentPieceFormSet):
    """The piece's passages as this save leaves them (edited, deleted or kept) must all stand in the text
    this save gives the piece; otherwise the save is refused, naming the claims that would lose their
    source. Coverage.clean() checks the stored passages when no such inline takes part."""

    def clean(self):
        """Raises ValidationError naming the passages (and their claims) the new text no longer holds."""
        super().clean()
        if self.instance.pk is None:
            return
        as_left = dict(self.instance.passages.values_list("pk", "text"))
        for form in self.initial_forms:
            pk = form.instance.pk
            if self._should_delete_form(form):
                as_left.pop(pk, None)
            elif text := getattr(form, "cleaned_data", {}).get("text"):
                as_left[pk] = text
        if message := self.instance.orphaning_message(as_left):
            raise forms.ValidationError(message)


class PassageInline(FetchedChoicesInline, admin.TabularInline):
    """The piece's passages, slug made from the first words."""

    model = Passage
    fetched = ["coverage"]
    form = PassageInlineForm
    formset = PassageFormSet
    fields = ["slug", "text"]
    prepopulated_fields = {"slug": ["text"]}


class InterviewQuestionInlineForm(forms.ModelForm):
    """A question and answer on the piece's form: both must stand in the text this save gives it."""

    def clean(self):
        """The cleaned data; an error on question or answer when its words are not in the text."""
        cleaned = super().clean()
        for field in ("question", "answer"):
            if (words := cleaned.get(field)) and (error := not_in_piece(words, self.piece)):
                self.add_error(field, error)
        return cleaned


class InterviewQuestionFormSet(ParentPieceFormSet):
    """The questions and answers this form does not show (past the first rows of a long interview) must
    stand in the text this save gives the piece, as the rows shown must."""

    def clean(self):
        """Raises ValidationError naming the rows not shown whose words the new text no longer holds."""
        super().clean()
        if self.instance.pk is None:
            return
        shown = {form.instance.pk for form in self.initial_forms}
        hidden = self.instance.questions.exclude(pk__in=shown)
        if message := self.instance.unsupported_questions_message(hidden):
            raise forms.ValidationError(message)


class InterviewQuestionInline(FetchedChoicesInline, admin.StackedInline):
    """The piece's questions and answers (Q&A), stacked."""

    model = InterviewQuestion
    fetched = ["answered_by", "coverage"]
    form = InterviewQuestionInlineForm
    formset = InterviewQuestionFormSet
    fields = ["order", "question", "answer", "answered_by"]
    autocomplete_fields = ["answered_by"]
    verbose_name = "question and answer"
    verbose_name_plural = "Q&A"


class CitedInlineForm(forms.ModelForm):
    """A claim written on its piece's page: the editor pastes the passage's words, and the passage is found
    among the piece's passages or made, so citing needs no second page.

    Claims of one save that paste the same new words share the one passage made for them; the database's
    rules that involve the passage (one quote per passage, say) are checked against the stored claims here
    and between the claims of the save in CitedFormSet, so they come back as form errors."""

    passage_text = forms.CharField(
        label="Passage",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Paste the exact words of this piece's text that the claim rests on (curly or straight "
        "quotes both match). Empty: not cited yet, and not shown on the site.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.passage_id:
            self.fields["passage_text"].initial = self.instance.passage.text

    def clean(self):
        """The cleaned data, passage_text cleaned of control characters and stripped. Errors on
        passage_text when the words are not in the piece's text, or on QUOTED_FIELD when those words are not
        in the pasted passage. Sets the claim's passage to a stored passage of the piece with exactly these
        words, or to None when a new one is needed (made in save())."""
        cleaned = super().clean()
        text = without_control_characters(cleaned.get("passage_text", "")).strip()
        cleaned["passage_text"] = text
        if not text:
            return cleaned
        if error := not_in_piece(text, self.piece):
            self.add_error("passage_text", error)
            return cleaned
        quoted_field = self._meta.model.QUOTED_FIELD
        words = cleaned.get(quoted_field) if quoted_field else None
        if words and (error := passages.not_found_message(words, text, "the passage")):
            self.add_error(quoted_field, error)
            return cleaned
        if self.instance.passage_id is None or self.instance.passage.text != text:
            stored = self.piece.passages.filter(text=text).first() if self.piece.pk else None
            # A stored passage is set now, so that validating the row checks its rules against other claims.
            self.instance.passage = stored
        return cleaned

    def _get_validation_exclusions(self):
        exclusions = super()._get_validation_exclusions()
        if self.instance.passage_id is not None:
            exclusions.discard("passage")
        return exclusions

    def save(self, commit=True):
        """The claim, its new passage (if any) in claim.new_passage; with commit, both saved and the
        claim citing it. The admin saves with commit=False and lets CoverageAdmin.save_inline_row() do it.
        """
        claim = super().save(commit=False)
        text = self.cleaned_data.get("passage_text", "")
        claim.new_passage = None
        if text and claim.passage_id is None:
            claim.new_passage = new_passage(claim.coverage, text)
        if commit:
            if claim.new_passage and claim.new_passage.pk is None:
                claim.new_passage.save()
            if claim.new_passage:
                claim.passage = claim.new_passage
            claim.save()
            self._save_m2m()
        return claim


def new_passage(piece, text):
    """The passage a claim of this save cites by words the piece has no passage for yet: one per words, shared
    by every claim of the save that pastes them, with a slug no stored or pending passage of the piece has."""
    pending = piece.__dict__.setdefault("pending_passages", {})
    if text in pending:
        return pending[text]
    base = slugify(" ".join(text.split()[:6]))[:80] or "passage"
    taken = set(piece.passages.values_list("slug", flat=True)) if piece.pk else set()
    taken |= {passage.slug for passage in pending.values()}
    slug, number = base, 2
    while slug in taken:
        slug, number = f"{base}-{number}", number + 1
    pending[text] = Passage(coverage=piece, slug=slug, text=text)
    return pending[text]


def field_value(form, name):
    """The form's cleaned value of field name, else the instance's (None when it has no such attribute)."""
    return form.cleaned_data[name] if name in form.cleaned_data else getattr(form.instance, name, None)


class CitedFormSet(ParentPieceFormSet):
    """Claims of one save: two that would break a rule of the database together (two quotes on the same
    words, two milestones giving the same views from the same words) are refused with a form error."""

    def clean(self):
        """Adds an error on passage_text to each claim that, with an earlier one of the same save, would
        break a unique constraint of the model that involves the passage.
        """
        super().clean()
        model = self.model
        rules = [
            constraint
            for constraint in model._meta.constraints
            if isinstance(constraint, UniqueConstraint) and "passage" in constraint.fields
        ]
        seen = {}
        for form in self.forms:
            text = getattr(form, "cleaned_data", {}).get("passage_text")
            if not text or self._should_delete_form(form) or form.errors:
                continue
            for rule in rules:
                values = (text if name == "passage" else field_value(form, name) for name in rule.fields)
                key = (rule.name, *values)
                if key in seen:
                    form.add_error(
                        "passage_text",
                        f"Another {model._meta.verbose_name} of this save already cites these words: "
                        f"{rule.get_violation_error_message()}",
                    )
                seen[key] = form


class CitedInline(FetchedChoicesInline, admin.StackedInline):
    """Claims edited on their piece's change form, cited by pasted words (CitedInlineForm)."""

    form = CitedInlineForm
    formset = CitedFormSet
    fk_name = "coverage"


class QuoteInline(CitedInline):
    """The quotes drawn from the piece."""

    model = Quote
    fetched = ["passage", "speaker", "said_to_outlet", "said_to_person", "first_published_in"]
    fields = [
        "passage_text",
        "words",
        "speaker",
        "speaker_description",
        "mode",
        "said_to_outlet",
        "said_to_person",
        "first_published_in",
    ]
    autocomplete_fields = ["speaker", "said_to_outlet", "said_to_person", "first_published_in"]


class MilestoneInline(CitedInline):
    """The view-count milestones the piece gives."""

    model = Milestone
    fetched = ["passage", "work", "platform"]
    fields = [
        "passage_text",
        "work",
        ("views", "views_wording", "at_least"),
        "platform",
        ("date", "date_precision", "date_wording"),
        "days_after_posting",
    ]
    autocomplete_fields = ["work", "platform"]


def mention_inline(field_name, target, plural):
    """A tabular inline class for a mention many-to-many of Coverage (field_name, e.g. "mentioned_people"):
    rows of its through model with an autocomplete of target (the related model's name, e.g. "person"),
    titled "Mentions: <plural>".
    """
    through = Coverage._meta.get_field(field_name).remote_field.through
    return type(
        f"Mentioned{target.title()}Inline",
        (FetchedChoicesInline, admin.TabularInline),
        {
            "model": through,
            "fetched": [target],
            "extra": 0,
            "autocomplete_fields": [target],
            "verbose_name": f"mentioned {target}",
            "verbose_name_plural": f"Mentions: {plural}",
        },
    )

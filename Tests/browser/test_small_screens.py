"""Every page of the demo on a 360 px phone (issue 22): no sideways scroll, a header of at most a
fifth of the screen, and no axe-core violation — found by following links from the home pages,
one page per shape of address, as a visitor and as an elected official."""
import collections

from selenium.webdriver.common.by import By

from test_accounts import run_axe, sign_in, wait_for

SKIPPED = (".csv", ".json", ".jsonld", ".geojson", ".pdf", ".ics", ".svg", ".png", ".xml", ".zip", ".txt", ".js", ".css")


def too_wide(phone):
    """The elements that stick out of the screen outside any scrolling region."""
    return phone.execute_script("""
        const out = [];
        for (const e of document.querySelectorAll('body *')) {
            const r = e.getBoundingClientRect();
            if (r.right <= 362) continue;
            let p = e.parentElement, clipped = false;
            while (p) { if (getComputedStyle(p).overflowX !== 'visible') { clipped = true; break; } p = p.parentElement; }
            if (!clipped) out.push(e.tagName + '.' + e.className + '#' + e.id + ' ' + Math.round(r.right));
        }
        return out.slice(0, 6).join(' | ');""")


def unreadable_charts(phone):
    """Pictures whose words shrink below 12 px on the phone and that have no table saying the same
    in their section: a chart must stay readable, or give its place to a table."""
    return phone.execute_script("""
        const out = [];
        for (const svg of document.querySelectorAll('svg')) {
            const texts = svg.querySelectorAll('text');
            if (!texts.length || !svg.viewBox || !svg.viewBox.baseVal || !svg.viewBox.baseVal.width) continue;
            const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
            let smallest = 1e9;
            for (const t of texts) {
                const style = getComputedStyle(t);
                if (style.display !== 'none' && style.visibility !== 'hidden') smallest = Math.min(smallest, parseFloat(style.fontSize) * scale);
            }
            if (smallest >= 12) continue;
            const around = svg.closest('section, article, main');
            if (!around || !around.querySelector('table')) out.push(svg.getAttribute('class') + ' ' + smallest.toFixed(1) + ' px');
        }
        return out.join(' | ');""")


def walk(phone, base_url, start, limit):
    """Visits pages from `start`, one per shape of address; returns what each measured."""
    queue, seen, shapes, measured = list(start), set(start), collections.Counter(), []
    while queue and len(measured) < limit:
        path = queue.pop(0)
        phone.get(base_url + path)
        if not phone.find_elements(By.CSS_SELECTOR, "header.site-header"):
            continue
        width = phone.execute_script("return document.documentElement.scrollWidth")
        header = phone.execute_script("return document.querySelector('header.site-header').getBoundingClientRect().height")
        screen = phone.execute_script("return window.innerHeight")
        measured.append(path)
        assert width <= 360, f"{path} scrolls sideways on a 360 px screen ({width} px): {too_wide(phone)}"
        assert header <= 0.2 * screen, f"{path}: the header takes {header:.0f} px of {screen} px"
        assert not unreadable_charts(phone), f"{path}: charts unreadable at 360 px without a table: {unreadable_charts(phone)}"
        run_axe(phone, f"{path} at 360 px")
        for link in phone.find_elements(By.CSS_SELECTOR, "a[href^='/']"):
            href = link.get_attribute("href").replace(base_url, "").split("#")[0]
            bare = href.split("?")[0]
            if not bare.startswith("/") or bare.endswith(SKIPPED) or "deconnexion" in bare or href in seen:
                continue
            shape = "/".join(":id" if len(part) >= 32 or part.isdigit() else part for part in bare.split("/"))
            if shapes[shape]:
                continue
            shapes[shape] += 1
            seen.add(href)
            queue.append(href)
    return measured


def test_every_page_fits_a_phone_for_a_visitor(phone, base_url):
    measured = walk(phone, base_url, ["/", "/c/grenoble-alpes", "/c/trieves"], limit=140)
    assert len(measured) >= 60, f"the walk reached only {len(measured)} pages"


def test_every_page_fits_a_phone_for_an_elected_official(phone, base_url):
    sign_in(phone, base_url, "elise@demo.terreau.invalid")
    wait_for(phone, "Élise")
    measured = walk(phone, base_url, ["/c/grenoble-alpes", "/moi", "/c/grenoble-alpes/registre/mes-propositions"], limit=60)
    assert len(measured) >= 30, f"the walk reached only {len(measured)} pages"
    phone.get(base_url + "/moi")
    phone.find_element(By.CSS_SELECTOR, ".account-links button").click()

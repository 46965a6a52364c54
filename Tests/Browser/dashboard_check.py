"""Drives the admin dashboard in headless Chromium (DashboardBrowserTests runs it against a built gateway).

Environment: LIENTHONG_ADMIN_URL, LIENTHONG_VIEWER_TOKEN, LIENTHONG_OPERATOR_TOKEN, LIENTHONG_REPORT (the report
API's JSON for LIENTHONG_MONTH, fetched by the test), LIENTHONG_SCREENSHOTS (a folder), LIENTHONG_REGISTRY (the
connector to test). Exits 0 when every check holds; otherwise prints the failed check and exits 1.
"""

import json
import os
import sys

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.common.exceptions import TimeoutException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

ADMIN = os.environ["LIENTHONG_ADMIN_URL"]
REPORT = json.loads(os.environ["LIENTHONG_REPORT"])
MONTH = os.environ["LIENTHONG_MONTH"]
SCREENSHOTS = os.environ["LIENTHONG_SCREENSHOTS"]
REGISTRY = os.environ["LIENTHONG_REGISTRY"]


class CheckFailed(Exception):
    pass


def check(condition, message):
    if not condition:
        raise CheckFailed(message)
    print("ok:", message)


def browser():
    options = webdriver.ChromeOptions()
    options.binary_location = os.environ.get("LIENTHONG_CHROMIUM", "/usr/bin/chromium")
    for argument in ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--window-size=1400,1200",
                     # The node's development CA is not the system's; the cookie still needs https.
                     "--ignore-certificate-errors"]:
        options.add_argument(argument)
    # The browser asks for Vietnamese first, as an operator's in Vietnam would (Accept-Language).
    options.add_experimental_option("prefs", {"intl.accept_languages": "vi-VN,vi,en"})
    service = Service(executable_path=os.environ.get("LIENTHONG_CHROMEDRIVER", "/usr/bin/chromedriver"))
    driver = webdriver.Chrome(service=service, options=options)
    driver.set_page_load_timeout(30)
    driver.set_script_timeout(30)
    return driver


def sign_in(driver, token):
    driver.find_element(By.ID, "token").send_keys(token)
    driver.find_element(By.ID, "login").click()
    WebDriverWait(driver, 20).until(lambda d: "/dashboard?" in d.current_url or d.current_url.endswith("/dashboard"))


def table(driver, element_id):
    """The rows of a count table as {key: {total, allowed, denied, failed}}."""
    rows = {}
    for row in driver.find_elements(By.CSS_SELECTOR, "#%s tr[data-key]" % element_id):
        counts = {}
        for cell in row.find_elements(By.CSS_SELECTOR, "td[data-count]"):
            counts[cell.get_attribute("data-count")] = int(cell.text)
        rows[row.get_attribute("data-key")] = counts
    return rows


def screenshot(driver, name):
    """The whole page: the window is made as tall as the document first."""
    height = driver.execute_script("return document.documentElement.scrollHeight")
    driver.set_window_size(1400, min(height + 140, 6000))
    driver.save_screenshot(os.path.join(SCREENSHOTS, name))


def post(driver, path, csrf):
    """A POST from the page's own origin with its session cookie; returns [status, problem code]."""
    return driver.execute_async_script("""
        var done = arguments[arguments.length - 1];
        var headers = {};
        if (arguments[1]) { headers["Lienthong-CSRF"] = document.querySelector('meta[name="lienthong-csrf"]').content; }
        fetch(arguments[0], {method: "POST", headers: headers, credentials: "same-origin"})
          .then(function (r) { return r.json().then(function (b) { done([r.status, b.code || ""]); }); })
          .catch(function (e) { done([0, String(e)]); });
    """, path, csrf)


def main():
    os.makedirs(SCREENSHOTS, exist_ok=True)
    driver = browser()
    try:
        # Without a session the dashboard sends the browser to the sign-in form, in Vietnamese by default.
        driver.get(ADMIN + "/dashboard")
        check("/dashboard/login" in driver.current_url, "no session: sent to the sign-in form")
        check(driver.find_element(By.ID, "title").text == "Đăng nhập quản trị", "the sign-in form is in Vietnamese")
        driver.find_element(By.ID, "token").send_keys("lt_not-a-token")
        driver.find_element(By.ID, "login").click()
        # The click returns before the answer is loaded: wait for it (bounded) instead of reading the old page.
        try:
            WebDriverWait(driver, 20).until(lambda d: d.find_elements(By.ID, "login-error"))
        except TimeoutException:
            pass
        check(len(driver.find_elements(By.ID, "login-error")) == 1, "a wrong token is refused")

        # A viewer sees the month's numbers as the report API gives them.
        sign_in(driver, os.environ["LIENTHONG_VIEWER_TOKEN"])
        driver.get(ADMIN + "/dashboard?month=" + MONTH)
        role = driver.find_element(By.ID, "role")
        check(role.get_attribute("data-value") == "viewer" and role.text == "người xem", "signed in as a viewer")
        check(REPORT["totals"]["total"] > 0, "the report has exchanges to compare")
        check(int(driver.find_element(By.ID, "exchanges-total").text) == REPORT["totals"]["total"],
              "the total matches the report API")
        check(table(driver, "exchanges-consumer") == REPORT["byConsumer"], "per consumer matches the report API")
        check(table(driver, "exchanges-provider") == REPORT["byProvider"], "per provider matches the report API")
        check(len(driver.find_elements(By.CSS_SELECTOR, "#exchanges svg.chart rect")) > 0, "the chart is drawn")
        denials = {row.get_attribute("data-key"): int(row.find_elements(By.TAG_NAME, "td")[1].text)
                   for row in driver.find_elements(By.CSS_SELECTOR, "#denials-table tr[data-key]")}
        check(denials == REPORT["denialsByReason"], "denials by reason match the report API")
        check(len(driver.find_elements(By.CSS_SELECTOR, "#latency-routes tr[data-key]")) > 0, "latency is shown")
        check(driver.execute_script("return document.cookie").find("lienthong_admin_session") < 0,
              "the session cookie is HttpOnly")

        # A viewer cannot change anything: no test button, and the server refuses a forged POST either way.
        check(len(driver.find_elements(By.CSS_SELECTOR, "button.connector-test")) == 0, "a viewer has no test button")
        test_path = "/v1/connectors/%s/test" % REGISTRY
        check(post(driver, test_path, True) == [403, "admin-forbidden"], "a viewer's forged test is 403")
        check(post(driver, test_path, False) == [403, "admin-csrf"], "a POST without the CSRF token is 403")
        screenshot(driver, "dashboard-viewer-vi.png")
        driver.find_element(By.ID, "logout").click()
        WebDriverWait(driver, 20).until(lambda d: "/dashboard/login" in d.current_url)
        driver.get(ADMIN + "/dashboard")
        check("/dashboard/login" in driver.current_url, "signed out: the session is gone")

        # In English, an operator runs a connector test with the button and sees its result.
        driver.find_element(By.ID, "language-switch").click()
        WebDriverWait(driver, 20).until(lambda d: d.find_element(By.ID, "title").text == "Admin sign-in")
        sign_in(driver, os.environ["LIENTHONG_OPERATOR_TOKEN"])
        check(driver.find_element(By.ID, "title").text == "Lienthong dashboard", "the dashboard is in English")
        button = driver.find_element(By.CSS_SELECTOR, 'button.connector-test[data-registry="%s"]' % REGISTRY)
        check(button.text == "Test", "the operator has a test button")
        button.click()
        output = button.find_element(By.XPATH, "following-sibling::output")
        WebDriverWait(driver, 30).until(lambda d: output.get_attribute("data-status") is not None)
        check(output.get_attribute("data-status") == "200" and output.text == "Passed", "the test ran and passed")
        screenshot(driver, "dashboard-operator-en.png")

        # Back to Vietnamese: the labels change, the session remembers it.
        driver.find_element(By.ID, "language-switch").click()
        WebDriverWait(driver, 20).until(lambda d: d.find_element(By.ID, "title").text == "Bảng điều khiển Lienthong")
        headings = [h.text for h in driver.find_elements(By.CSS_SELECTOR, "section h2")]
        check(any(h.startswith("Số lượt trao đổi trong tháng") for h in headings), "Vietnamese section headings")
        check("Chuỗi nhật ký kiểm toán" in headings and "Lỗi gần đây" in headings, "every section in Vietnamese")
        check(driver.find_element(By.CSS_SELECTOR, "button.connector-test").text == "Kiểm tra",
              "the button in Vietnamese")
        driver.get(ADMIN + "/dashboard")
        check(driver.find_element(By.ID, "title").text == "Bảng điều khiển Lienthong", "the session keeps the language")
        screenshot(driver, "dashboard-operator-vi.png")
    except CheckFailed as failure:
        screenshot(driver, "dashboard-failure.png")
        print("FAILED:", failure)
        print(driver.current_url)
        print(driver.page_source[:4000])
        return 1
    finally:
        driver.quit()
    return 0


if __name__ == "__main__":
    sys.exit(main())

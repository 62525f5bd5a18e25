"""closer.scenario.job on the sample job ads and resumes (tests/data/scenario/manifest.toml says
what each must give), the TOML `closer scenario` prints (valid, loadable, commented), and the
rules of the extraction on small ads written here."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from closer.cli import main
from closer.scenario import load_scenario_text
from closer.scenario.dump import to_toml
from closer.scenario.job import MAX_WEAK_SPOTS, read_job, scenario_from_job, weak_spots

DATA = Path(__file__).parent / "data" / "scenario"
MANIFEST = tomllib.loads((DATA / "manifest.toml").read_text())


def _pair(name: str) -> tuple[str, str]:
    entry = MANIFEST[name]
    return (DATA / entry["job"]).read_text(), (DATA / entry["resume"]).read_text()


def test_the_manifest_lists_every_sample() -> None:
    listed = {MANIFEST[n][k] for n in MANIFEST for k in ("job", "resume")}
    assert listed == {p.name for p in DATA.glob("*.txt")} and len(MANIFEST) >= 3


@pytest.mark.parametrize("name", list(MANIFEST))
def test_role_company_and_hiring_manager(name: str) -> None:
    ad = read_job(_pair(name)[0])
    want = MANIFEST[name]
    assert (ad.role, ad.company, ad.reports_to or "") == (want["role"], want["company"],
                                                          want["reports_to"])
    assert len(ad.process) == want["process_steps"]


@pytest.mark.parametrize("name", list(MANIFEST))
def test_requirements_in_the_ads_order(name: str) -> None:
    ad = read_job(_pair(name)[0])
    assert [r.text for r in ad.requirements if r.required] == MANIFEST[name]["required"]
    assert [r.text for r in ad.requirements if not r.required] == MANIFEST[name]["wanted"]


@pytest.mark.parametrize("name", list(MANIFEST))
def test_what_the_resume_does_not_name_are_the_weak_spots(name: str) -> None:
    job, resume = _pair(name)
    made = scenario_from_job(job, resume, name)
    assert list(made.missing) == MANIFEST[name]["weak_spots"]
    assert made.scenario.weak_spots == made.missing[:MAX_WEAK_SPOTS]
    assert made.scenario.name == f'{MANIFEST[name]["role"]} at {MANIFEST[name]["company"]}'


@pytest.mark.parametrize("name", list(MANIFEST))
def test_the_printed_toml_loads_back_to_the_same_scenario(name: str) -> None:
    job, resume = _pair(name)
    for cv in (resume, None):
        made = scenario_from_job(job, cv, name)
        text = to_toml(made, "job.txt", "cv.txt" if cv else None)
        assert load_scenario_text(text, f"{name}.toml") == made.scenario
        assert text.startswith("# The scenario closer made from job.txt")
        assert "# round = " in text and "# next_step = " in text  # left for the user to fill


def test_the_same_texts_give_the_same_scenario() -> None:
    job, resume = _pair("data_engineer")
    assert scenario_from_job(job, resume) == scenario_from_job(job, resume)


def test_without_a_resume_there_are_no_weak_spots_but_the_skills() -> None:
    made = scenario_from_job(_pair("data_engineer")[0], None, "ad")
    assert made.scenario.weak_spots == () and "Kubernetes" in made.scenario.skills


def test_a_skill_is_covered_by_any_name_of_its_entry() -> None:
    ad = read_job("Requirements:\n- Production Kubernetes\n- Terraform\n- Python\n")
    assert weak_spots(ad, "Ran our EKS clusters; wrote Pulumi stacks in python.") == ()
    assert weak_spots(ad, "Wrote Go services.") == ("no experience with Kubernetes",
                                                    "no experience with Terraform",
                                                    "no experience with Python")


def test_soft_skills_and_abilities_are_never_requirements() -> None:
    ad = read_job("What you'll need\n- Excellent communication skills\n- A passion for data\n"
                  "- Ability to lift 50 lb\n- Right to work in the UK\n- Experience with Looker\n")
    assert [r.text for r in ad.requirements] == ["Looker"]


def test_lead_ins_give_the_noun_phrase() -> None:
    ad = read_job("Qualifications:\n* 3+ years of experience designing survey instruments, "
                  "ideally online\n* Proven experience in grant writing\n* A track record of "
                  "closing enterprise deals\n* 5 years as a programme officer\n")
    assert [(r.text, r.kind) for r in ad.requirements] == [
        ("designing survey instruments", "phrase"), ("grant writing", "phrase"),
        ("closing enterprise deals", "phrase")]  # "5 years as ...": the job itself, not a skill
    cv = "I design survey instruments for NGOs and write grants."  # half the words: covered
    assert weak_spots(ad, cv) == ("no experience closing enterprise deals",)


def test_a_list_without_marks_and_an_ad_without_headings() -> None:
    marked = read_job("Requirements\nSalesforce\nCold calling\n\nBenefits\nA pension\n")
    assert [r.text for r in marked.requirements] == ["Salesforce", "cold calling"]
    bare = read_job("We need a bookkeeper.\n- Xero\n- payroll\n")
    assert [r.text for r in bare.requirements] == ["Xero", "payroll"]


@pytest.mark.parametrize(("ad", "role", "company"), [
    ("Product Designer at Fernleaf Studio\nWe design apps.", "Product Designer", "Fernleaf Studio"),
    ("Join us!\nHarbor Freight Co. is hiring a Forklift Operator to join our night team.",
     "Forklift Operator", "Harbor Freight Co."),
    ("Job: Year 4 Teacher (maternity cover)\nAbout Oakfield Primary\nA friendly school.",
     "Year 4 Teacher", "Oakfield Primary"),
    ("Great opportunity!\nWe are looking for a passionate person.", None, None),
])
def test_titles_and_companies(ad: str, role: str | None, company: str | None) -> None:
    got = read_job(ad)
    assert (got.role, got.company) == (role, company)


def test_closer_scenario_prints_loadable_toml(capsys: pytest.CaptureFixture) -> None:
    job = str(DATA / MANIFEST["icu_nurse"]["job"])
    cv = str(DATA / MANIFEST["icu_nurse"]["resume"])
    assert main(["scenario", "--job", job, "--resume", cv]) == 0
    out = capsys.readouterr().out
    scenario = load_scenario_text(out, "nurse.toml")
    assert scenario.weak_spots == ("no ACLS", "no experience with ventilator management")
    assert scenario.company == "St. Brigid's Hospital"


@pytest.mark.parametrize(("args", "expected"), [
    (["--job", "missing.txt"], "The job ad missing.txt does not exist."),
    (["--job", "{data}/job_icu_nurse.txt", "--resume", "{tmp}/cv.pdf"], "is a PDF"),
    (["--job", "{tmp}/empty.txt"], "is empty"),
])
def test_closer_scenario_errors_are_one_sentence(tmp_path: Path, capsys: pytest.CaptureFixture,
                                                 args: list[str], expected: str) -> None:
    (tmp_path / "cv.pdf").write_bytes(b"%PDF-1.4 ...")
    (tmp_path / "empty.txt").write_text("\n")
    argv = [a.format(data=DATA, tmp=tmp_path) for a in args]
    assert main(["scenario", *argv]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and expected in captured.err
    assert captured.err.count("\n") == 1 and "Traceback" not in captured.err

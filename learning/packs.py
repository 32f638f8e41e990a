"""Content packs: whole courses as Markdown and YAML plus media, in a zip or a directory.

The format is documented in ``content/FORMAT.md``. ``read_pack`` checks a pack
completely (manifest, courses, lessons, media, exercises, question banks,
quizzes, competences) and lists every problem with its file and line;
``import_pack`` writes it only when there are none, in one transaction.
Importing the same pack again updates its courses in place: objects are
matched by key, so their IRIs and the learners' records stay.
"""

from __future__ import annotations

import hashlib
import io
import posixpath
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hocvuso.lib.text import nfc
from learning import formats
from learning.actions import courses as course_actions
from learning.actions.questions import check_competences, create_bank, ensure_category, save_parsed
from learning.formats.common import ParseResult
from learning.formats.native import LINE, load_yaml, strip_lines
from learning.models import ContentPack, Course, Lesson, LessonFile, Module, QuestionBank, QuestionCategory

FORMAT_NAME = "hocvuso-content-pack"
FORMAT_VERSION = 1
MANIFEST = "pack.yaml"
MAX_PACK_BYTES = 500 * 1024 * 1024
MAX_FILES = 5000
KINDS = {k.value for k in Lesson.Kind}
PRACTICES = {p.value for p in Lesson.Practice if p.value}
AUDIENCES = {a.value for a in Course.Audience}


@dataclass
class PackProblem:
    file: str
    message: str
    line: int | None = None

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.message}"


@dataclass
class Pack:
    manifest: dict = field(default_factory=dict)
    courses: list[dict] = field(default_factory=list)
    banks: list[dict] = field(default_factory=list)
    problems: list[PackProblem] = field(default_factory=list)
    checksum: str = ""
    source: object = None

    @property
    def ok(self) -> bool:
        return not self.problems

    def problem(self, file: str, message: str, line: int | None = None) -> None:
        self.problems.append(PackProblem(file=file, message=message, line=line))


class Source:
    """Files of a pack, from a directory or a zip; paths are POSIX and relative to the pack root."""

    def __init__(self, files: dict[str, bytes]):
        self.files = files

    @classmethod
    def from_directory(cls, root: Path) -> Source:
        files = {}
        for path in sorted(root.rglob("*")):
            if path.is_file() and not any(part.startswith(".") for part in path.relative_to(root).parts):
                files[path.relative_to(root).as_posix()] = path.read_bytes()
        return cls(files)

    @classmethod
    def from_zip(cls, data: bytes) -> Source:
        files = {}
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = [i for i in zf.infolist() if not i.is_dir()]
            if len(infos) > MAX_FILES:
                raise ValueError(_("the pack holds more than %(n)d files") % {"n": MAX_FILES})
            if sum(i.file_size for i in infos) > MAX_PACK_BYTES:
                raise ValueError(_("the pack unpacks to more than 500 MB"))
            names = [i.filename for i in infos]
            # A pack zipped with its folder ("ten-goi/pack.yaml") is read from inside that folder.
            prefix = ""
            if MANIFEST not in names:
                roots = {n.split("/", 1)[0] for n in names}
                if len(roots) == 1 and f"{next(iter(roots))}/{MANIFEST}" in names:
                    prefix = next(iter(roots)) + "/"
            for info in infos:
                name = info.filename[len(prefix) :] if info.filename.startswith(prefix) else info.filename
                if not _safe(name):
                    raise ValueError(_("unsafe path in the zip: %(name)s") % {"name": info.filename})
                if name.startswith("__MACOSX/") or posixpath.basename(name).startswith("."):
                    continue
                files[name] = zf.read(info)
        return cls(files)

    def read(self, path: str) -> bytes | None:
        return self.files.get(path)

    def checksum(self) -> str:
        h = hashlib.sha256()
        for name in sorted(self.files):
            h.update(name.encode())
            h.update(b"\0")
            h.update(hashlib.sha256(self.files[name]).digest())
        return h.hexdigest()


def _safe(name: str) -> bool:
    if not name or name.startswith("/") or "\\" in name or ":" in name.split("/", 1)[0]:
        return False
    return ".." not in name.split("/")


def _join(base: str, rel: str) -> str | None:
    rel = str(rel or "").strip()
    if not rel or rel.startswith("/") or "\\" in rel:
        return None
    path = posixpath.normpath(posixpath.join(base, rel))
    return None if path.startswith("..") or path.startswith("/") else path


def _yaml(pack: Pack, src: Source, path: str):
    data = src.read(path)
    if data is None:
        pack.problem(path, _("file not found in the pack"))
        return None
    try:
        return load_yaml(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        pack.problem(path, _("not UTF-8 text"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        pack.problem(
            path,
            _("invalid YAML: %(reason)s") % {"reason": getattr(exc, "problem", str(exc))},
            mark.line + 1 if mark else None,
        )
    return None


def read_pack(src: Source) -> Pack:
    """Check a whole pack; ``pack.problems`` lists everything wrong (nothing is written)."""
    pack = Pack(source=src, checksum=src.checksum())
    manifest = _yaml(pack, src, MANIFEST)
    if not isinstance(manifest, dict):
        if manifest is not None:
            pack.problem(MANIFEST, _("the manifest must be a mapping of keys and values"))
        elif not pack.problems:
            pack.problem(MANIFEST, _("the manifest is empty"))
        return pack
    pack.manifest = strip_lines(manifest)
    if manifest.get("format") != FORMAT_NAME:
        pack.problem(MANIFEST, _("“format” must be “%(name)s”") % {"name": FORMAT_NAME}, manifest.get(LINE))
    if manifest.get("format_version") != FORMAT_VERSION:
        pack.problem(
            MANIFEST,
            _("“format_version” %(found)s is not supported (this server reads version %(v)d)")
            % {"found": manifest.get("format_version"), "v": FORMAT_VERSION},
            manifest.get(LINE),
        )
    for key in ("id", "version", "title"):
        if not str(manifest.get(key) or "").strip():
            pack.problem(MANIFEST, _("“%(key)s” is missing") % {"key": key}, manifest.get(LINE))
    bank_keys = set()
    for entry in manifest.get("banks") or []:
        bank = _read_bank(pack, src, entry)
        if bank:
            if bank["key"] in bank_keys:
                pack.problem(MANIFEST, _("two banks use the key “%(key)s”") % {"key": bank["key"]})
            bank_keys.add(bank["key"])
            pack.banks.append(bank)
    course_keys = set()
    for entry in manifest.get("courses") or []:
        course = _read_course(pack, src, str(entry), {b["key"]: b for b in pack.banks})
        if course:
            if course["key"] in course_keys:
                pack.problem(MANIFEST, _("two courses use the key “%(key)s”") % {"key": course["key"]})
            course_keys.add(course["key"])
            pack.courses.append(course)
    if not manifest.get("courses") and not manifest.get("banks"):
        pack.problem(MANIFEST, _("the pack lists no courses and no question banks"))
    return pack


def _read_bank(pack: Pack, src: Source, entry) -> dict | None:
    if not isinstance(entry, dict) or not entry.get("file"):
        pack.problem(MANIFEST, _("each bank needs “file:” (and “key:” and “name:” unless the file is YAML)"))
        return None
    path = _join("", entry["file"])
    data = src.read(path) if path else None
    if data is None:
        pack.problem(
            MANIFEST, _("bank file “%(file)s” not found in the pack") % {"file": entry["file"]}, entry.get(LINE)
        )
        return None
    result: ParseResult = formats.read(data, path)
    check_competences(result)
    for p in result.problems:
        pack.problem(path, f"{_('question')} “{p.question}”: {p.message}" if p.question else p.message, p.line)
    key = str(entry.get("key") or "")
    name = str(entry.get("name") or "")
    if result.format == "yaml":
        doc = yaml.safe_load(data.decode("utf-8-sig")) or {}
        key = key or str(doc.get("bank") or "")
        name = name or str(doc.get("name") or "")
    if not key or not name:
        pack.problem(path, _("the bank needs a key and a name"))
        return None
    return {
        "key": key,
        "name": nfc(name),
        "file": path,
        "result": result,
        "categories": set(result.categories) | {q.category for q in result.questions},
    }


def _competences(pack: Pack, file: str, item: dict) -> list[str]:
    refs = [str(r) for r in item.get("competences") or []]
    if refs:
        _found, unknown = course_actions.resolve_competences(refs)
        for ref in unknown:
            pack.problem(file, _("unknown competence “%(ref)s”") % {"ref": ref}, item.get(LINE))
    return refs


def _read_course(pack: Pack, src: Source, entry: str, banks: dict) -> dict | None:
    base = _join("", entry)
    if base is None:
        pack.problem(MANIFEST, _("unsafe course path “%(path)s”") % {"path": entry})
        return None
    path = posixpath.join(base, "course.yaml")
    doc = _yaml(pack, src, path)
    if doc is None:
        return None
    if not isinstance(doc, dict):
        pack.problem(path, _("course.yaml must be a mapping of keys and values"))
        return None
    for key in ("key", "title"):
        if not str(doc.get(key) or "").strip():
            pack.problem(path, _("“%(key)s” is missing") % {"key": key}, doc.get(LINE))
    if doc.get("audience") and doc["audience"] not in AUDIENCES:
        pack.problem(
            path,
            _("audience “%(a)s” is not one of: %(all)s") % {"a": doc["audience"], "all": ", ".join(sorted(AUDIENCES))},
            doc.get(LINE),
        )
    course = {
        "key": str(doc.get("key") or ""),
        "base": base,
        "file": path,
        "doc": strip_lines(doc),
        "competences": _competences(pack, path, doc),
        "modules": [],
    }
    module_keys = set()
    for m in doc.get("modules") or []:
        if not isinstance(m, dict) or not m.get("key") or not m.get("title"):
            pack.problem(path, _("each module needs “key:” and “title:”"), m.get(LINE) if isinstance(m, dict) else None)
            continue
        if m["key"] in module_keys:
            pack.problem(path, _("two modules use the key “%(key)s”") % {"key": m["key"]}, m.get(LINE))
        module_keys.add(m["key"])
        module = {"doc": strip_lines(m), "competences": _competences(pack, path, m), "lessons": []}
        lesson_keys = set()
        for lesson in m.get("lessons") or []:
            parsed = _read_lesson(pack, src, base, path, lesson, banks)
            if parsed:
                if parsed["key"] in lesson_keys:
                    pack.problem(
                        path,
                        _("two lessons of module “%(m)s” use the key “%(key)s”")
                        % {"m": m["key"], "key": parsed["key"]},
                        lesson.get(LINE),
                    )
                lesson_keys.add(parsed["key"])
                module["lessons"].append(parsed)
        course["modules"].append(module)
    if not course["modules"]:
        pack.problem(path, _("the course has no modules"), doc.get(LINE))
    return course


def _read_lesson(pack: Pack, src: Source, base: str, path: str, item, banks: dict) -> dict | None:
    if not isinstance(item, dict) or not item.get("key") or not item.get("title"):
        line = item.get(LINE) if isinstance(item, dict) else None
        pack.problem(path, _("each lesson needs “key:” and “title:”"), line)
        return None
    line = item.get(LINE)
    kind = item.get("kind", "text")
    if kind not in KINDS:
        pack.problem(
            path,
            _("lesson “%(key)s”: kind “%(kind)s” is not one of: %(all)s")
            % {"key": item["key"], "kind": kind, "all": ", ".join(sorted(KINDS))},
            line,
        )
        return None
    lesson = {
        "key": str(item["key"]),
        "doc": strip_lines(item),
        "kind": kind,
        "body": "",
        "files": [],
        "video": None,
        "practice_data": {},
        "competences": _competences(pack, path, item),
        "quiz": None,
    }
    if item.get("file"):
        body_path = _join(base, item["file"])
        data = src.read(body_path) if body_path else None
        if data is None:
            pack.problem(
                path,
                _("lesson “%(key)s”: text file “%(file)s” not found") % {"key": item["key"], "file": item["file"]},
                line,
            )
        else:
            lesson["body"] = data.decode("utf-8-sig", errors="replace")
            # Images the text shows are attached automatically.
            for ref in _image_refs(lesson["body"]):
                candidates = [_join(posixpath.dirname(body_path), ref), _join(base, ref)]
                ref_path = next((c for c in candidates if c and src.read(c) is not None), None)
                if ref_path:
                    lesson["files"].append(
                        {"path": ref_path, "name": posixpath.basename(ref_path), "title": "", "download": False}
                    )
                elif not ref.startswith(("http://", "https://", "data:")):
                    pack.problem(body_path, _("image “%(ref)s” not found in the pack") % {"ref": ref})
    elif item.get("body"):
        lesson["body"] = str(item["body"])
    for f in item.get("files") or []:
        f = f if isinstance(f, dict) else {"path": f}
        fpath = _join(base, f.get("path", ""))
        if not fpath or src.read(fpath) is None:
            pack.problem(
                path,
                _("lesson “%(key)s”: file “%(file)s” not found") % {"key": item["key"], "file": f.get("path")},
                line,
            )
            continue
        lesson["files"].append(
            {
                "path": fpath,
                "name": posixpath.basename(fpath),
                "title": str(f.get("title") or ""),
                "download": bool(f.get("download", True)),
            }
        )
    if kind == "video":
        video = item.get("video") or {}
        vpath = _join(base, video.get("file", "")) if isinstance(video, dict) else None
        if not vpath or src.read(vpath) is None:
            pack.problem(
                path,
                _("lesson “%(key)s”: a video lesson needs “video: {file: …}” with a file in the pack")
                % {"key": item["key"]},
                line,
            )
        else:
            ppath = _join(base, video.get("poster", "")) if video.get("poster") else None
            if video.get("poster") and (not ppath or src.read(ppath) is None):
                pack.problem(
                    path,
                    _("lesson “%(key)s”: poster “%(file)s” not found")
                    % {"key": item["key"], "file": video.get("poster")},
                    line,
                )
            lesson["video"] = {"path": vpath, "poster": ppath, "duration": video.get("duration")}
    if item.get("practice"):
        if item["practice"] not in PRACTICES:
            pack.problem(
                path,
                _("lesson “%(key)s”: practice “%(p)s” is not one of: %(all)s")
                % {"key": item["key"], "p": item["practice"], "all": ", ".join(sorted(PRACTICES))},
                line,
            )
        data = item.get("data")
        if isinstance(data, str):
            dpath = _join(base, data)
            loaded = _yaml(pack, src, dpath) if dpath else None
            data = strip_lines(loaded) if loaded is not None else {}
        lesson["practice_data"] = data or {}
        _check_practice(pack, path, item, lesson["practice_data"])
    if kind == "quiz":
        quiz = item.get("quiz")
        if not isinstance(quiz, dict) or not quiz.get("bank"):
            pack.problem(
                path,
                _("lesson “%(key)s”: a quiz lesson needs “quiz: {bank: …, draw: […]}”") % {"key": item["key"]},
                line,
            )
        elif quiz["bank"] not in banks and not QuestionBank.objects.filter(key=quiz["bank"]).exists():
            pack.problem(
                path,
                _("lesson “%(key)s”: question bank “%(bank)s” is neither in the pack nor on this server")
                % {"key": item["key"], "bank": quiz["bank"]},
                line,
            )
        else:
            known = (
                banks[quiz["bank"]]["categories"]
                if quiz["bank"] in banks
                else set(QuestionCategory.objects.filter(bank__key=quiz["bank"]).values_list("path", flat=True))
            )
            for rule in quiz.get("draw") or []:
                if not isinstance(rule, dict) or "count" not in rule:
                    pack.problem(
                        path,
                        _("lesson “%(key)s”: each draw rule needs “category:” and “count:”") % {"key": item["key"]},
                        line,
                    )
                    continue
                category = str(rule.get("category") or "").strip("/")
                if category not in known and not any(k.startswith(category + "/") for k in known):
                    pack.problem(
                        path,
                        _("lesson “%(key)s”: category “%(cat)s” is not in bank “%(bank)s”")
                        % {"key": item["key"], "cat": category, "bank": quiz["bank"]},
                        rule.get(LINE),
                    )
            pass_mark = quiz.get("pass_mark", 70)
            if not isinstance(pass_mark, int) or not 0 <= pass_mark <= 100:
                pack.problem(
                    path,
                    _("lesson “%(key)s”: pass_mark must be a whole number from 0 to 100") % {"key": item["key"]},
                    line,
                )
            lesson["quiz"] = strip_lines(quiz)
    return lesson


def _image_refs(markdown_text: str) -> list[str]:
    import re

    refs = re.findall(r"!\[[^\]]*\]\(([^)\s]+)", markdown_text)
    refs += re.findall(r"<img[^>]+src=[\"']([^\"']+)", markdown_text)
    return list(dict.fromkeys(refs))


def _check_practice(pack: Pack, path: str, item: dict, data: dict) -> None:
    key = item["key"]
    kind = item["practice"]
    if kind == "phishing":
        messages = data.get("messages") if isinstance(data, dict) else None
        if not messages:
            pack.problem(path, _("lesson “%(key)s”: the scam exercise needs “messages:”") % {"key": key})
            return
        for m in messages:
            if not all(m.get(k) for k in ("id", "channel", "body")) or "is_scam" not in m:
                pack.problem(
                    path, _("lesson “%(key)s”: each message needs id, channel, body and is_scam") % {"key": key}
                )
            for s in m.get("signs") or []:
                if not s.get("id") or not s.get("label") or "is_sign" not in s:
                    pack.problem(path, _("lesson “%(key)s”: each sign needs id, label and is_sign") % {"key": key})
    elif kind == "prompt-library":
        templates = data.get("templates") if isinstance(data, dict) else None
        if not templates:
            pack.problem(path, _("lesson “%(key)s”: the prompt library needs “templates:”") % {"key": key})
            return
        import re

        for t in templates:
            if not all(t.get(k) for k in ("id", "title", "prompt")):
                pack.problem(path, _("lesson “%(key)s”: each template needs id, title and prompt") % {"key": key})
                continue
            names = {f.get("name") for f in t.get("fields") or []}
            used = set(re.findall(r"\{(\w+)\}", t["prompt"]))
            for missing in sorted(used - names):
                pack.problem(
                    path,
                    _("lesson “%(key)s”: template “%(t)s” uses {%(f)s} but has no such field")
                    % {"key": key, "t": t["id"], "f": missing},
                )


# --- importing ---------------------------------------------------------------------------------


@dataclass
class PackReport:
    pack: Pack
    status: str = ""  # "created", "updated", "unchanged", "rejected", "checked"
    courses: list[str] = field(default_factory=list)
    questions: int = 0


def import_pack(
    src: Source, *, actor=None, owner=None, force: bool = False, check_only: bool = False, may_update=None
) -> PackReport:
    """Import a pack; new courses and banks belong to ``owner`` (None: national).

    ``may_update(obj)`` says whether the importing user may change an existing
    course or bank with the same key (the command line may change anything).
    """
    pack = read_pack(src)
    report = PackReport(pack=pack)
    if pack.ok and may_update is not None:
        for c in pack.courses:
            existing_course = Course.objects.filter(key=c["doc"]["key"]).first()
            if existing_course and not may_update(existing_course):
                pack.problem(
                    c["file"],
                    _("course key “%(key)s” is already used by a course you cannot change") % {"key": c["doc"]["key"]},
                )
        for b in pack.banks:
            existing_bank = QuestionBank.objects.filter(key=b["key"]).first()
            if existing_bank and not may_update(existing_bank):
                pack.problem(
                    b["file"], _("bank key “%(key)s” is already used by a bank you cannot change") % {"key": b["key"]}
                )
    if not pack.ok:
        report.status = "rejected"
        return report
    if check_only:
        report.status = "checked"
        report.courses = [c["doc"]["title"] for c in pack.courses]
        return report
    existing = ContentPack.objects.filter(pack_id=pack.manifest["id"]).first()
    if existing and existing.checksum == pack.checksum and not force:
        report.status = "unchanged"
        report.courses = list(Course.objects.filter(pack=existing).values_list("title", flat=True))
        return report
    with transaction.atomic():
        record, created = ContentPack.objects.update_or_create(
            pack_id=pack.manifest["id"],
            defaults={
                "version": str(pack.manifest["version"]),
                "title": nfc(str(pack.manifest["title"])),
                "checksum": pack.checksum,
                "manifest": pack.manifest,
                "imported_at": timezone.now(),
                "imported_by": actor if getattr(actor, "is_authenticated", False) else None,
            },
        )
        banks = {}
        for b in pack.banks:
            bank = QuestionBank.objects.filter(key=b["key"]).first() or create_bank(
                name=b["name"], key=b["key"], actor=actor, owner=owner
            )
            save_parsed(bank=bank, result=b["result"])
            report.questions += len(b["result"].questions)
            banks[b["key"]] = bank
        for c in pack.courses:
            course = _import_course(src, c, record, banks, actor, owner)
            report.courses.append(course.title)
    report.status = "created" if created else "updated"
    return report


def _import_course(src: Source, c: dict, record: ContentPack, banks: dict, actor, owner) -> Course:
    doc = c["doc"]
    completion = doc.get("completion") or {}
    fields = {
        "title": nfc(str(doc["title"])),
        "summary": str(doc.get("summary") or "").strip(),
        "description_md": str(doc.get("description") or ""),
        "audience": doc.get("audience") or "everyone",
        "level": doc.get("level"),
        "status": doc.get("status") or Course.Status.PUBLISHED,
        "open_enrolment": bool(doc.get("open_enrolment", True)),
        "require_all_lessons": bool(completion.get("all_lessons", True)),
        "require_all_quizzes": bool(completion.get("all_quizzes", True)),
        "required_sessions": int(completion.get("sessions", 0) or 0),
        "certificate_enabled": bool(doc.get("certificate", True)),
        "estimated_minutes": int(doc.get("estimated_minutes") or 0),
    }
    competences, _unknown = course_actions.resolve_competences(c["competences"])
    course = Course.objects.filter(key=doc["key"]).first()
    if course is None:
        course = course_actions.create_course(
            key=doc["key"], actor=actor, competences=competences, owner=owner, **fields
        )
    else:
        course_actions.update_course(course=course, competences=competences, **{k: v for k, v in fields.items()})
    if course.pack_id != record.pk:
        course.pack = record
        course.save(update_fields=["pack"])
    keep_modules = []
    for position, m in enumerate(c["modules"], 1):
        mdoc = m["doc"]
        module = Module.objects.filter(course=course, key=mdoc["key"]).first()
        mcomp, _u = course_actions.resolve_competences(m["competences"])
        if module is None:
            module = course_actions.create_module(
                course=course,
                key=mdoc["key"],
                title=mdoc["title"],
                summary=str(mdoc.get("summary") or ""),
                position=position,
                competences=mcomp,
            )
        else:
            module.title, module.summary, module.position = nfc(mdoc["title"]), str(mdoc.get("summary") or ""), position
            module.save(update_fields=["title", "summary", "position"])
            module.competences.set(mcomp)
        keep_modules.append(module.pk)
        keep_lessons = []
        for lpos, lesson_doc in enumerate(m["lessons"], 1):
            lesson = _import_lesson(src, module, lesson_doc, lpos, banks)
            keep_lessons.append(lesson.pk)
        Lesson.objects.filter(module=module).exclude(pk__in=keep_lessons).delete()
    Module.objects.filter(course=course).exclude(pk__in=keep_modules).delete()
    course_actions.refresh_course_outline(course)
    return course


def _import_lesson(src: Source, module: Module, ld: dict, position: int, banks: dict) -> Lesson:
    doc = ld["doc"]
    fields = {
        "title": nfc(str(doc["title"])),
        "kind": ld["kind"],
        "summary": str(doc.get("summary") or "")[:300],
        "body_md": ld["body"],
        "practice": doc.get("practice") or "",
        "practice_data": ld["practice_data"],
        "estimated_minutes": int(doc.get("minutes") or 5),
        "position": position,
        "duration_seconds": (ld["video"] or {}).get("duration"),
    }
    competences, _u = course_actions.resolve_competences(ld["competences"])
    lesson = Lesson.objects.filter(module=module, key=ld["key"]).first()
    if lesson is None:
        lesson = course_actions.create_lesson(module=module, key=ld["key"], competences=competences, **fields)
    else:
        course_actions.update_lesson(lesson=lesson, competences=competences, **fields)
    wanted = {f["name"] for f in ld["files"]}
    for old in LessonFile.objects.filter(lesson=lesson).exclude(name__in=wanted):
        course_actions.remove_lesson_file(lesson_file=old)
    for f in ld["files"]:
        data = src.read(f["path"])
        current = LessonFile.objects.filter(lesson=lesson, name=f["name"]).first()
        if current and current.size == len(data) and current.is_download == f["download"]:
            continue
        course_actions.add_lesson_file(
            lesson=lesson, name=f["name"], content=data, title=f["title"], is_download=f["download"]
        )
    course_actions.render_lesson_body(lesson)
    if ld["video"]:
        v = ld["video"]
        data = src.read(v["path"])
        if lesson.video_size != len(data):
            poster = src.read(v["poster"]) if v["poster"] else None
            course_actions.set_lesson_video(
                lesson=lesson,
                name=posixpath.basename(v["path"]),
                content=data,
                poster_name=posixpath.basename(v["poster"] or ""),
                poster=poster,
                duration_seconds=v.get("duration"),
            )
    if ld["quiz"]:
        q = ld["quiz"]
        bank = banks.get(q["bank"]) or QuestionBank.objects.get(key=q["bank"])
        rules = []
        for rule in q.get("draw") or []:
            rules.append((ensure_category(bank, str(rule.get("category") or "")), int(rule["count"])))
        course_actions.configure_quiz(
            lesson=lesson,
            bank=bank,
            rules=rules,
            pass_mark=int(q.get("pass_mark", 70)),
            time_limit_minutes=q.get("time_limit"),
            max_attempts=q.get("attempts"),
            shuffle_questions=bool(q.get("shuffle_questions", True)),
            shuffle_answers=bool(q.get("shuffle_answers", True)),
        )
    return lesson


# --- exporting ---------------------------------------------------------------------------------


def export_course_pack(course: Course, *, version: str = "", pack_id: str = "") -> bytes:
    """A zip that ``import_pack`` reads back into the same course (its quizzes' banks included)."""
    from learning.exporting import bank_to_yaml

    out = io.BytesIO()
    base = f"courses/{course.key}"
    files: dict[str, bytes] = {}
    modules = []
    bank_keys: dict[str, QuestionBank] = {}
    for module in course.modules.prefetch_related("competences").order_by("position", "id"):
        lessons = []
        for lesson in module.lessons.prefetch_related("competences", "files").order_by("position", "id"):
            entry = {"key": lesson.key, "title": lesson.title, "kind": lesson.kind}
            if lesson.summary:
                entry["summary"] = lesson.summary
            entry["minutes"] = lesson.estimated_minutes
            if lesson.body_md:
                files[f"{base}/lessons/{lesson.key}.md"] = lesson.body_md.encode()
                entry["file"] = f"lessons/{lesson.key}.md"
            downloads = []
            for f in lesson.files.all():
                with f.file.open("rb") as fh:
                    content = fh.read()
                if f.is_download:
                    files[f"{base}/media/{f.name}"] = content
                    downloads.append({"path": f"media/{f.name}", "title": f.title, "download": True})
                else:
                    files[f"{base}/lessons/media/{f.name}"] = content
            if downloads:
                entry["files"] = downloads
            if lesson.video:
                with lesson.video.open("rb") as fh:
                    files[f"{base}/media/{posixpath.basename(lesson.video.name)}"] = fh.read()
                video = {"file": f"media/{posixpath.basename(lesson.video.name)}"}
                if lesson.poster:
                    with lesson.poster.open("rb") as fh:
                        files[f"{base}/media/{posixpath.basename(lesson.poster.name)}"] = fh.read()
                    video["poster"] = f"media/{posixpath.basename(lesson.poster.name)}"
                if lesson.duration_seconds:
                    video["duration"] = lesson.duration_seconds
                entry["video"] = video
            if lesson.practice:
                entry["practice"] = lesson.practice
                entry["data"] = lesson.practice_data
            if lesson.kind == Lesson.Kind.QUIZ and hasattr(lesson, "quiz") and lesson.quiz.bank_id:
                quiz = lesson.quiz
                bank_keys[quiz.bank.key] = quiz.bank
                entry["quiz"] = {
                    "bank": quiz.bank.key,
                    "pass_mark": quiz.pass_mark,
                    "draw": [
                        {"category": r.category.path, "count": r.count} for r in quiz.rules.select_related("category")
                    ],
                }
                if quiz.time_limit_minutes:
                    entry["quiz"]["time_limit"] = quiz.time_limit_minutes
                if quiz.max_attempts:
                    entry["quiz"]["attempts"] = quiz.max_attempts
            refs = [c.ref for c in lesson.competences.select_related("framework")]
            if refs:
                entry["competences"] = refs
            lessons.append(entry)
        mentry = {"key": module.key, "title": module.title}
        if module.summary:
            mentry["summary"] = module.summary
        refs = [c.ref for c in module.competences.select_related("framework")]
        if refs:
            mentry["competences"] = refs
        mentry["lessons"] = lessons
        modules.append(mentry)
    course_doc = {
        "key": course.key,
        "title": course.title,
        "summary": course.summary,
        "description": course.description_md,
        "audience": course.audience,
        "level": course.level,
        "status": course.status,
        "open_enrolment": course.open_enrolment,
        "estimated_minutes": course.estimated_minutes,
        "certificate": course.certificate_enabled,
        "completion": {
            "all_lessons": course.require_all_lessons,
            "all_quizzes": course.require_all_quizzes,
            "sessions": course.required_sessions,
        },
        "competences": [c.ref for c in course.competences.select_related("framework")],
        "modules": modules,
    }
    files[f"{base}/course.yaml"] = yaml.safe_dump(course_doc, allow_unicode=True, sort_keys=False, width=110).encode()
    banks = []
    for key, bank in bank_keys.items():
        files[f"banks/{key}.yaml"] = bank_to_yaml(bank).encode()
        banks.append({"file": f"banks/{key}.yaml"})
    manifest = {
        "format": FORMAT_NAME,
        "format_version": FORMAT_VERSION,
        "id": pack_id or (course.pack.pack_id if course.pack_id else f"local.{course.key}"),
        "version": version or (course.pack.version if course.pack_id else timezone.now().strftime("%Y.%m.%d")),
        "title": course.title,
        "language": course.language,
        "exported_at": timezone.now().isoformat(),
        "banks": banks,
        "courses": [base],
    }
    files[MANIFEST] = yaml.safe_dump(manifest, allow_unicode=True, sort_keys=False).encode()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name in sorted(files):
            zf.writestr(name, files[name])
    return out.getvalue()

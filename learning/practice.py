"""The interactive exercises: password strength (zxcvbn) and recognising scam messages.

Learner-facing text here is Vietnamese on purpose: the exercises teach in
Vietnamese whatever the interface language. The password a learner types is
checked in memory and forgotten: nothing here stores, logs or returns it.
"""

from __future__ import annotations

from decimal import Decimal

from zxcvbn import zxcvbn

# Common Vietnamese passwords and words that zxcvbn's English lists miss. Matched as user inputs.
VIETNAMESE_COMMON = [
    "matkhau",
    "matkhau123",
    "anhyeuem",
    "emyeuanh",
    "yeuem",
    "yeuanh",
    "iloveyou",
    "vietnam",
    "vietnam123",
    "hanoi",
    "saigon",
    "hochiminh",
    "danang",
    "hocvuso",
    "binhdanhocvuso",
    "admin",
    "quantri",
    "123456a@",
    "abc@123",
    "aa123456",
    "zxcvbnm",
    "qwerty",
    "motkhaiba",
    "hoilamgi",
    "congan",
    "ubnd",
    "chinhphu",
    "nguyen",
    "tran",
    "pham",
    "hoang",
    "huynh",
    "phan",
    "dang",
    "duong",
    "thanh",
    "minh",
    "linh",
    "huong",
    "tuan",
    "hung",
    "dung",
    "trang",
    "ngoc",
]

LEVELS = [
    ("Rất yếu", "Kẻ gian đoán ra gần như ngay lập tức."),
    ("Yếu", "Kẻ gian có thể đoán ra trong thời gian ngắn."),
    ("Tạm được", "Khó đoán hơn, nhưng vẫn chưa đủ an toàn cho tài khoản quan trọng."),
    ("Mạnh", "Khó đoán. Hãy dùng mật khẩu kiểu này và không dùng lại ở nơi khác."),
    ("Rất mạnh", "Rất khó đoán. Nhớ bật thêm xác thực hai lớp cho tài khoản quan trọng."),
]

# zxcvbn's own feedback, in plain Vietnamese for older learners.
FEEDBACK_VI = {
    "Use a few words, avoid common phrases.": "Hãy dùng vài từ ghép lại, tránh những câu quen thuộc.",
    "No need for symbols, digits, or uppercase letters.": (
        "Không nhất thiết phải có ký hiệu, chữ số hay chữ hoa; độ dài quan trọng hơn."
    ),
    "Add another word or two. Uncommon words are better.": "Thêm một hai từ nữa. Từ ít người dùng thì càng tốt.",
    "Straight rows of keys are easy to guess.": "Các phím liền nhau trên một hàng bàn phím rất dễ đoán.",
    "Short keyboard patterns are easy to guess.": "Các hình vẽ ngắn trên bàn phím rất dễ đoán.",
    "Use a longer keyboard pattern with more turns.": "Tránh gõ theo hình trên bàn phím.",
    'Repeats like "aaa" are easy to guess.': "Lặp lại một ký tự (như “aaa”) rất dễ đoán.",
    'Repeats like "abcabcabc" are only slightly harder to guess than "abc".': (
        "Lặp lại một cụm (như “abcabcabc”) chỉ khó hơn “abc” một chút."
    ),
    "Avoid repeated words and characters.": "Tránh lặp lại từ và ký tự.",
    'Sequences like "abc" or "6543" are easy to guess.': "Dãy liên tiếp như “abc” hay “6543” rất dễ đoán.",
    "Avoid sequences.": "Tránh dãy chữ, dãy số liên tiếp.",
    "Recent years are easy to guess.": "Năm gần đây rất dễ đoán.",
    "Avoid recent years.": "Tránh dùng năm gần đây.",
    "Avoid years that are associated with you.": "Tránh năm sinh, năm cưới hay năm gắn với bạn.",
    "Dates are often easy to guess.": "Ngày tháng thường rất dễ đoán.",
    "Avoid dates and years that are associated with you.": "Tránh ngày sinh và những ngày gắn với bạn.",
    "This is a top-10 common password.": "Đây là một trong 10 mật khẩu phổ biến nhất thế giới.",
    "This is a top-100 common password.": "Đây là một trong 100 mật khẩu phổ biến nhất thế giới.",
    "This is a very common password.": "Đây là mật khẩu rất phổ biến.",
    "This is similar to a commonly used password.": "Mật khẩu này giống một mật khẩu nhiều người dùng.",
    "A word by itself is easy to guess.": "Một từ đứng riêng thì rất dễ đoán.",
    "Names and surnames by themselves are easy to guess.": "Chỉ dùng họ tên thì rất dễ đoán.",
    "Common names and surnames are easy to guess.": "Họ và tên phổ biến rất dễ đoán.",
    "Capitalization doesn't help very much.": "Viết hoa chữ cái đầu không giúp được nhiều.",
    "All-uppercase is almost as easy to guess as all-lowercase.": "Viết hoa toàn bộ cũng dễ đoán như viết thường.",
    "Reversed words aren't much harder to guess.": "Viết ngược một từ cũng không khó đoán hơn bao nhiêu.",
    "Predictable substitutions like '@' instead of 'a' don't help very much.": (
        "Thay chữ bằng ký hiệu dễ đoán (như “@” thay cho “a”) không giúp được nhiều."
    ),
}


def vi_duration(seconds) -> str:
    seconds = Decimal(seconds)
    if seconds < 1:
        return "chưa đến 1 giây"
    for size, unit in (
        (Decimal(31_536_000) * 100, None),
        (31_536_000, "năm"),
        (2_592_000, "tháng"),
        (86_400, "ngày"),
        (3_600, "giờ"),
        (60, "phút"),
        (1, "giây"),
    ):
        if seconds >= size:
            if unit is None:
                return "hàng trăm năm trở lên"
            return f"khoảng {int(seconds // size)} {unit}"
    return "chưa đến 1 giây"


def _explain(match: dict, personal: set[str]) -> str | None:
    token = match["token"]
    pattern = match["pattern"]
    if pattern == "dictionary":
        name = match.get("dictionary_name")
        word = match.get("matched_word", token.lower())
        extra = ""
        if match.get("l33t"):
            extra = " Thay chữ bằng ký hiệu (như @ thay a, 0 thay o) không làm nó khó đoán hơn."
        if match.get("reversed"):
            extra += " Viết ngược cũng không giúp được nhiều."
        if name == "user_inputs":
            if word in personal:
                return f"“{token}” là thông tin về bạn (tên, năm sinh, nơi làm việc). Người quen đoán được ngay.{extra}"
            return f"“{token}” là từ người Việt hay dùng làm mật khẩu. Kẻ gian thử những từ này đầu tiên.{extra}"
        if name == "passwords":
            return f"“{token}” nằm trong danh sách mật khẩu phổ biến mà kẻ gian thử đầu tiên.{extra}"
        if name in ("surnames", "male_names", "female_names"):
            return f"“{token}” là tên người. Tên người rất dễ đoán.{extra}"
        return f"“{token}” là một từ thông dụng, có trong từ điển.{extra}"
    if pattern == "spatial":
        return f"“{token}” là các phím liền nhau trên bàn phím. Kẻ gian biết mẹo này."
    if pattern == "repeat":
        return f"“{token}” chỉ là lặp lại. Lặp lại không làm mật khẩu khó đoán hơn."
    if pattern == "sequence":
        return f"“{token}” là một dãy liên tiếp (như abc, 123). Rất dễ đoán."
    if pattern == "regex" and match.get("regex_name") == "recent_year":
        return f"“{token}” là một năm. Năm sinh hay năm gần đây rất dễ đoán."
    if pattern == "date":
        return f"“{token}” trông như ngày tháng. Ngày sinh, ngày cưới rất dễ đoán."
    return None


def password_report(password: str, *, personal: list[str] | None = None) -> dict:
    """How strong a password is and why, in Vietnamese. The password itself is not in the result."""
    password = password[:128]
    personal_words = {w.lower() for w in (personal or []) if w}
    result = zxcvbn(password, user_inputs=[*VIETNAMESE_COMMON, *sorted(personal_words)]) if password else None
    if result is None:
        return {"empty": True}
    score = int(result["score"])
    reasons = []
    for match in result["sequence"]:
        text = _explain(match, personal_words)
        if text and text not in reasons:
            reasons.append(text)
    if len(password) < 8:
        reasons.insert(0, f"Mật khẩu chỉ có {len(password)} ký tự, quá ngắn. Nên dài ít nhất 12 ký tự.")
    feedback = result["feedback"]
    warning = FEEDBACK_VI.get(feedback.get("warning") or "", "")
    tips = [FEEDBACK_VI.get(s, "") for s in feedback.get("suggestions") or []]
    tips = [t for t in tips if t]
    if score < 3:
        tips.append(
            "Mẹo: ghép 4–5 từ ngẫu nhiên mà bạn dễ nhớ thành một cụm dài, "
            "ví dụ “ấm trà, con mèo, mưa phùn, xe đạp”, rồi gõ không dấu."
        )
    label, meaning = LEVELS[score]
    return {
        "empty": False,
        "score": score,
        "label": label,
        "meaning": meaning,
        "length": len(password),
        # Guessing online with throttling vs. a stolen, slowly hashed database.
        "time_online": vi_duration(result["crack_times_seconds"]["online_throttling_100_per_hour"]),
        "time_offline": vi_duration(result["crack_times_seconds"]["offline_slow_hashing_1e4_per_second"]),
        "warning": warning,
        "reasons": reasons,
        "tips": tips,
    }


# --- scam messages -------------------------------------------------------------------------


def grade_phishing(data: dict, post) -> dict:
    """Mark the learner's choices on each sample message: the scam verdict and the warning signs ticked.

    Each message scores one point for the right verdict and one point per sign
    handled correctly (a real sign ticked, a harmless detail left alone).
    """
    results = []
    total = maximum = 0
    for message in data.get("messages", []):
        mid = message["id"]
        verdict = post.get(f"{mid}-verdict")
        verdict_right = verdict == ("scam" if message.get("is_scam") else "safe")
        ticked = set(post.getlist(f"{mid}-signs"))
        signs = []
        points = 1 if verdict_right else 0
        for sign in message.get("signs", []):
            picked = sign["id"] in ticked
            right = picked == bool(sign.get("is_sign"))
            points += 1 if right else 0
            signs.append({**sign, "picked": picked, "right": right})
        top = 1 + len(message.get("signs", []))
        total += points
        maximum += top
        results.append(
            {
                "message": message,
                "verdict": verdict,
                "verdict_right": verdict_right,
                "signs": signs,
                "points": points,
                "max": top,
            }
        )
    return {
        "results": results,
        "score": total,
        "max": maximum,
        "percent": round(100 * total / maximum) if maximum else 0,
    }

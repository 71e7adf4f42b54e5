"""The console's one message catalogue: every word a page shows, Japanese first and
English by the switch. Templates ask for keys (``t("my_page")``), never hold text.

Refusals come from ``domain.refusals.render`` and notices from the store, so neither is
repeated here.
"""

from __future__ import annotations

from console.messages_board import BOARD_PAGES
from console.passkey_messages import PASSKEY_MESSAGES
from console.token_messages import TOKEN_MESSAGES
from domain.refusals import Lang

_CATALOGUE: dict[str, tuple[str, str]] = {
    "app_name": ("学校運営協議会コンソール", "Council console"),
    "skip_to_main": ("本文へ移動", "Skip to main content"),
    "language": ("言語", "Language"),
    "switch_language": ("English", "日本語"),
    "sign_in": ("サインイン", "Sign in"),
    "sign_out": ("サインアウト", "Sign out"),
    "email": ("メールアドレス", "E-mail address"),
    "send_link": ("サインイン用のリンクを送る", "Send me a sign-in link"),
    "sign_in_intro": (
        "登録されているメールアドレスを入力してください。15分間有効なリンクを送ります。",
        "Enter your registered e-mail address. We send a link that works for 15 minutes.",
    ),
    "link_sent": (
        "このアドレスが登録されていれば、サインイン用のリンクを送りました。メールを確認してください。",
        "If this address is registered, a sign-in link is on its way. Check your e-mail.",
    ),
    "rate_limited": (
        "リンクの請求が多すぎます。15分ほど待ってからもう一度お試しください。",
        "Too many link requests. Wait about 15 minutes and try again.",
    ),
    "bad_email": ("メールアドレスの形式が正しくありません。", "That is not an e-mail address."),
    "bad_link": (
        "このリンクは無効です（期限切れ、または使用済み）。もう一度リンクを請求してください。",
        "This link is not valid (expired or already used). Ask for a new one.",
    ),
    "confirm_sign_in": ("サインインを完了する", "Complete sign-in"),
    "confirm_sign_in_intro": (
        "下のボタンを押すとサインインします。このリンクは1回だけ使えます。",
        "Press the button to sign in. This link works only once.",
    ),
    "mail_subject": ("【学校運営協議会】サインイン用リンク", "[Council console] Your sign-in link"),
    "mail_body": (
        "次のリンクから15分以内にサインインしてください（1回限り有効）。\n{link}\n\n"
        "心当たりがない場合はこのメールを破棄してください。",
        "Sign in within 15 minutes with this link (it works once):\n{link}\n\n"
        "If you did not ask for it, ignore this message.",
    ),
    "passkey": ("パスキー", "Passkey"),
    "passkey_required": (
        "個人情報を扱う役割のため、パスキーによる二段階目の確認が必要です。",
        "Your role reaches personal data: confirm with a passkey as a second factor.",
    ),
    "passkey_register": ("パスキーを登録する", "Register a passkey"),
    "passkey_confirm": ("パスキーで確認する", "Confirm with a passkey"),
    "passkey_sign_in": ("パスキーでサインイン", "Sign in with a passkey"),
    "passkey_registered": ("パスキーを登録しました。", "Passkey registered."),
    "passkey_none": ("まだパスキーが登録されていません。", "No passkey registered yet."),
    "passkey_have": ("登録済みのパスキー: {count}件", "Passkeys registered: {count}"),
    "bad_passkey": ("パスキーを確認できませんでした。", "The passkey could not be verified."),
    "needs_js": (
        "パスキーには JavaScript が必要です。",
        "Passkeys need JavaScript in the browser.",
    ),
    "my_page": ("マイページ", "My page"),
    "hello": ("{name} さん", "Hello, {name}"),
    "awaiting": ("いま対応が必要なこと", "What awaits you now"),
    "nothing_awaits": ("いま対応が必要なことはありません。", "Nothing awaits you now."),
    "votes_to_cast": ("投票をお願いします", "Votes to cast"),
    "tasks_owned": ("担当のタスク", "Tasks you own"),
    "steps_to_act": ("対応するステップ", "Steps to act on"),
    "due": ("期限", "Due"),
    "days_left": ("あと{days}日", "{days} days left"),
    "days_over": ("{days}日超過", "{days} days overdue"),
    "due_today": ("今日まで", "due today"),
    "no_due": ("期限なし", "no due date"),
    "notices": ("未読のお知らせ", "Unread notices"),
    "no_notices": ("未読のお知らせはありません。", "No unread notices."),
    "notice": ("お知らせ", "Notice"),
    "back_to_my_page": ("マイページへ戻る", "Back to my page"),
    "my_councils": ("担当の協議会", "Your councils"),
    "no_cycle": ("サイクルは開始されていません", "no cycle started"),
    "open_cycle": ("{year}年度のサイクル", "{year} cycle"),
    "cycle_title": ("{council} {year}年度", "{council}, fiscal {year}"),
    "steps": ("ステップ", "Steps"),
    "current_step": ("現在のステップ", "Current step"),
    "step_done": ("完了", "done"),
    "step_current": ("進行中", "current"),
    "step_upcoming": ("これから", "upcoming"),
    "paused_banner": (
        "サイクルは一時停止中です（理由: {reason}）",
        "The cycle is paused ({reason})",
    ),
    "closed_banner": ("このサイクルは終了しました。", "This cycle is closed."),
    "refused": ("実行できませんでした", "Not done"),
    "bad_input": ("入力を確認してください: {detail}", "Please check the form: {detail}"),
    "done_ok": ("記録しました。", "Recorded."),
    "meetings": ("会議と会議録", "Meetings and minutes"),
    "no_meetings": ("会議の記録はまだありません。", "No meeting recorded yet."),
    "meeting_n": ("第{number}回（{date}）", "Meeting {number} ({date})"),
    "attendance": ("出席者", "Attendance"),
    "minutes_public": ("会議録（公開）", "Minutes (public)"),
    "minutes_closed": ("会議録（非公開）", "Minutes (closed)"),
    "vision": ("目指す子ども像", "Vision"),
    "vision_draft": ("目指す子ども像（案）", "Vision draft"),
    "record_meeting": ("会議を記録する", "Record a meeting"),
    "held_on": ("開催日", "Held on"),
    "close_discussion": ("話し合いを終える", "Close the discussion"),
    "policy": ("学校運営の基本方針", "Basic policy"),
    "no_policy": ("基本方針はまだ提出されていません。", "No policy submitted yet."),
    "version_n": ("第{version}版", "Version {version}"),
    "status_voting": ("採決中", "under vote"),
    "status_approved": ("承認", "approved"),
    "status_rejected": ("否決", "rejected"),
    "submit_policy": ("基本方針を提出する", "Submit the policy"),
    "revise_policy": ("基本方針を修正して再提出する", "Revise and resubmit the policy"),
    "policy_text": ("基本方針の本文", "Policy text"),
    "vote": ("投票", "Vote"),
    "go_vote": ("投票ページへ", "Go to the vote"),
    "approve": ("賛成", "Approve"),
    "reject": ("反対", "Reject"),
    "comment": ("コメント（任意）", "Comment (optional)"),
    "cast_vote": ("投票する", "Cast the vote"),
    "your_ballot": (
        "あなたの投票: {ballot}（締切まで変更できます）",
        "Your vote: {ballot} (changeable until close)",
    ),
    "voted": ("投票済み", "voted"),
    "not_voted": ("未投票", "not yet"),
    "who_voted": ("投票状況（{cast} / {eligible}）", "Who has voted ({cast} of {eligible})"),
    "tally": (
        "賛成 {approve}・反対 {reject}（投票 {cast} / 委員 {eligible}）",
        "Approve {approve}, reject {reject} ({cast} of {eligible} voted)",
    ),
    "close_vote": ("採決を締め切る", "Close the vote"),
    "plan": ("計画", "Plan"),
    "no_plan": ("計画はまだ提出されていません。", "No plan submitted yet."),
    "submit_plan": ("計画を提出する", "Submit the plan"),
    "go_plan": ("計画の入力ページへ", "Open the plan form"),
    "plan_intro": (
        "活動ごとに名称・種類・日付・ねらい・役割分担・タスクを入力してください。空欄の行は無視します。",
        "For each activity enter title, kind, date, aims, roles and tasks. Empty rows are ignored.",
    ),
    "more_activities": ("活動の欄を増やす", "More activity rows"),
    "activity_n": ("活動 {n}", "Activity {n}"),
    "title": ("名称", "Title"),
    "kind": ("種類", "Kind"),
    "planned_on": ("実施予定日", "Planned on"),
    "kind_reading": ("読み聞かせ", "reading"),
    "kind_patrol": ("見守り", "patrol"),
    "kind_event": ("行事", "event"),
    "kind_general": ("その他", "general"),
    "aims": ("ねらい", "Aims"),
    "aim_n": ("ねらい {n}", "Aim {n}"),
    "roles": ("役割分担", "Roles"),
    "party": ("担い手", "Party"),
    "duty": ("役割", "Duty"),
    "tasks": ("連絡調整のタスク", "Coordination tasks"),
    "task_n": ("タスク {n}", "Task {n}"),
    "owner": ("担当", "Owner"),
    "unassigned": ("未割当", "unassigned"),
    "default_tasks": ("空欄なら種類ごとの標準タスク", "left empty: the kind's default tasks"),
    "status": ("状況", "Status"),
    "task_open": ("未完了", "open"),
    "task_completed": ("完了", "completed"),
    "task_waived": ("不要", "waived"),
    "claimed": ("引き受け済み", "claimed"),
    "claim_task": ("引き受ける", "Claim"),
    "complete_task": ("完了にする", "Complete"),
    "outcome": ("結果", "Outcome"),
    "waive_task": ("不要にする", "Waive"),
    "reason": ("理由", "Reason"),
    "reassign_task": ("担当を変える", "Reassign"),
    "new_owner": ("新しい担当", "New owner"),
    "no_tasks": ("タスクはありません。", "No tasks."),
    "records": ("活動の記録", "Activity records"),
    "no_records": ("活動の記録はまだありません。", "No activity recorded yet."),
    "record_activity": ("活動の実施を記録する", "Record an activity"),
    "cancel_activity": ("活動の中止を記録する", "Record a cancellation"),
    "activity": ("活動", "Activity"),
    "children": ("参加した児童数", "Children taking part"),
    "volunteers": ("参加したボランティア", "Volunteers who came"),
    "no_volunteers": ("登録ボランティアはいません。", "No registered volunteers."),
    "contact": ("連絡先", "Contact"),
    "notes": ("メモ", "Notes"),
    "held": ("実施", "held"),
    "cancelled": ("中止", "cancelled"),
    "weather": ("荒天", "weather"),
    "disaster": ("災害", "disaster"),
    "other": ("その他", "other"),
    "evaluations": ("評価", "Evaluation"),
    "evaluate_aim": ("評価を記録する", "Record the rating"),
    "rating": ("達成度", "Rating"),
    "met": ("達成", "met"),
    "partly": ("一部達成", "partly met"),
    "not_met": ("未達成", "not met"),
    "not_rated": ("未評価", "not rated"),
    "close_cycle": ("評価を締めくくり、年度を終える", "Close the evaluation and the year"),
    "carried_over": ("前年度からの引き継ぎ", "Carried over from last year"),
    "no_carried": ("引き継ぎ事項はありません。", "Nothing carried over."),
    "oversight": ("教育委員会の操作", "The board's oversight"),
    "set_deadline": ("期限を変更する", "Move a due date"),
    "new_due": ("新しい期限", "New due date"),
    "step": ("ステップ", "Step"),
    "pause_cycle": ("サイクルを一時停止する", "Pause the cycle"),
    "resume_cycle": ("サイクルを再開する", "Resume the cycle"),
    "remind": ("担当者に催促する", "Remind the step's owners"),
    "not_found": ("ページが見つかりません", "Page not found"),
    "not_found_body": (
        "このページは存在しないか、閲覧する権限がありません。",
        "This page does not exist, or it is not yours to see.",
    ),
    "forbidden": ("操作できません", "Not allowed"),
    "csrf_failed": (
        "フォームの有効期限が切れました。ページを読み込み直してください。",
        "The form has expired. Reload the page and try again.",
    ),
    "unavailable_title": ("一時的に利用できません", "Temporarily unavailable"),
    "unavailable": ("一時的に利用できません: {detail}", "Temporarily unavailable: {detail}"),
    "bad_request": ("入力が正しくありません", "Bad request"),
    "bad_parameter": ("入力が正しくありません: {name}", "Not a valid value: {name}"),
    "server_error": (
        "内部エラーが発生しました。時間をおいて再度お試しください。",
        "Something went wrong on our side. Please try again later.",
    ),
    "role_chair": ("会長", "chair"),
    "role_member": ("委員", "member"),
    "role_principal": ("校長", "principal"),
    "role_coordinator": ("地域コーディネーター", "coordinator"),
    "role_chief_coordinator": ("統括コーディネーター", "chief coordinator"),
    "role_board_admin": ("教育委員会", "board of education"),
    "step_discuss": ("話し合い", "Discuss"),
    "step_approve": ("承認", "Approve"),
    "step_plan": ("計画", "Plan"),
    "step_coordinate": ("連絡調整", "Coordinate"),
    "step_act": ("活動", "Act"),
    "step_evaluate": ("評価", "Evaluate"),
    "step_closed": ("終了", "Closed"),
    "required": ("必須", "required"),
}


# Issue 15's pages (the board, meeting calls, minutes, public pages): their own block.
_CATALOGUE.update(BOARD_PAGES)
_CATALOGUE.update(TOKEN_MESSAGES)
_CATALOGUE.update(PASSKEY_MESSAGES)


def text(key: str, lang: Lang, **params: object) -> str:
    """The catalogue's text for ``key`` in ``lang``, with ``params`` filled in.
    An unknown key raises ``KeyError``: a typo must fail in tests, not show blank."""
    ja, en = _CATALOGUE[key]
    template = ja if lang == "ja" else en
    return template.format(**params) if params else template


def keys() -> frozenset[str]:
    """Every key of the catalogue (for tests)."""
    return frozenset(_CATALOGUE)

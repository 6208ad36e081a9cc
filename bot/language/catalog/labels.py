"""English for the structural labels the knowledge model writes — the topics' labels, the sections
and fields of a memorandum (「日時」「主な連携・協力事項」) — never for the documents' own words."""

from __future__ import annotations

LABELS: dict[str, str] = {
    # Sections of a memorandum and of an announcement.
    "主な連携・協力事項": "Main cooperation items",
    "連携して行う主なプロジェクト": "Main joint projects",
    "テーマ": "Theme",
    "関連する計画": "Related plans",
    "プロジェクトの推進": "How the projects are carried out",
    "計画の期間": "Period of the plan",
    "覚書締結式": "Signing ceremony",
    "締結式の日時": "Date and time of the signing ceremony",
    "締結式の場所": "Place of the signing ceremony",
    "締結式の出席者": "Attendees of the signing ceremony",
    "締結式の住所": "Address of the signing ceremony",
    "お問い合わせ先": "Contact",
    "発表": "Announcement",
    "発表の概要": "Summary of the announcement",
    "発表日": "Date of the announcement",
    "発表者": "Issuer",
    "タイトル": "Title",
    "サブタイトル": "Subtitle",
    "趣旨・目的": "Purpose",
    "これまでの覚書との関係": "Relation to earlier memoranda",
    "覚書を締結した市": "Partner cities",
    "用語": "Term",
    # Fields.
    "日時": "Date and time",
    "場所": "Place",
    "住所": "Address",
    "出席者": "Attendees",
    "電話": "Phone",
    "電話番号": "Phone number",
    "内線": "Extension",
    "FAX": "Fax",
    "メールアドレス": "Email",
    "担当者": "Person in charge",
    "担当部署": "Department",
}

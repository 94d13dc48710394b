"""The PDF workshop report (fpdf2, pure Python): cover, method, participation, each activity with its chart.

Only `equal_groups` figures appear as the room's result (what the screen showed, with groups below k hidden);
the per-head mean is printed beside it for comparison, as domain.md 4 recommends showing both. Text uses the
DejaVu Sans font shipped inside matplotlib, so accents, Arabic letters and the like never stop the export.
"""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

import matplotlib
from fpdf import FPDF
from fpdf.enums import XPos, YPos
from fpdf.errors import FPDFException
from fpdf.fonts import FontFace

from app.reports import charts
from app.reports.collect import ActivityReport, WorkshopReport, display_name
from app.services.safetext import printable

log = logging.getLogger(__name__)
FONT_DIR = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
FONT = "DejaVu"
#: Arabic letters DejaVu lacks come from Noto Sans Arabic (Debian fonts-noto-core) when it is installed.
ARABIC_FONTS = (Path("/usr/share/fonts/truetype/noto/NotoSansArabic-Regular.ttf"),
                Path("/usr/share/fonts/truetype/noto/NotoSansArabic-Bold.ttf"))
ARABIC_FONT = "NotoSansArabic"
#: Scripts whose letters change shape with their neighbours or run right to left (Hebrew, Arabic, Syriac,
#: Thaana, N'Ko, Indic, Thai...): a report containing any of them is set with HarfBuzz shaping and the Unicode
#: bidirectional algorithm, so Arabic letters join and read right to left.
COMPLEX_SCRIPTS = ((0x0590, 0x0EFF), (0x1000, 0x109F), (0xFB1D, 0xFDFF), (0xFE70, 0xFEFF))
HEAD_FILL = (221, 231, 240)
FLAG_FILL = (252, 228, 214)
#: Share of the scale width from which a gap between group means is highlighted (domain.md 3.5: 1 point on 1-5).
DIVERGENCE_SHARE = 0.25

STRINGS: dict[str, dict[str, str]] = {
    "en": {
        "report": "Workshop report", "generated": "Generated", "language": "Language", "version": "Prioritas version",
        "joined": "Participants joined", "activities": "Activities", "method": "Method",
        "method_text": (
            "Participants joined from their phones and chose their stakeholder group. Results shown to the room "
            "use equal_groups weighting: each group's mean counts with the group's weight, and only groups with at "
            "least k = {k} answers on an item are used or shown, so no small group can be singled out. The "
            "per-head mean (everyone counts once) is shown for comparison. Intervals are 95 % t-intervals clipped "
            "to the scale; consensus is Tastle-Wierman (0 split, 1 unanimous). Treat the results as the room's "
            "perceptions to be checked against data."),
        "weights": "Group weights", "group": "Group", "weight": "Weight", "expected": "Expected",
        "participation": "Participation", "respondents": "Respondents", "item": "Item", "axis": "Axis",
        "mean": "Mean", "median": "Median", "ci": "95 % CI", "consensus": "Consensus", "quadrant": "Quadrant",
        "flags": "Flags", "per_head": "Mean (per head)", "disagree": "Where the groups disagree",
        "no_disagreement": "No item shows a large gap between the groups that may be shown.",
        "not_available": "The results of this activity could not be computed in this version.",
        "no_results": "No results yet.", "score": "Score", "total": "Total", "breadth": "Breadth",
        "rank": "Rank", "borda": "Borda", "mean_rank": "Mean rank", "criteria": "Criteria and weights",
        "criterion": "Criterion", "direction": "Direction", "page": "Page", "note": "Workshop method note",
        "hidden": "groups below k are not shown", "state": "State", "type": "Type", "ph": "per head",
        "sensitivity": "Sensitivity to the weights",
        "overtakes": "{b} overtakes {a} if the weight on '{criterion}' moves from {start} to {end}.",
        "no_critical": "No weight change within 0 to 1 swaps the leading items.",
        "acceptability": "Share of {draws} random weight draws (seed {seed}) in which each item is first, in the "
                          "top three, or in each quadrant.",
        "top1": "First", "top3": "Top three",
        "highlights": "Highlights (equal_groups)", "leading": "Leading", "split": "Groups disagree on",
        "change": "Change since round {round}",
        "before": "Round {round}", "now": "Now",
        "paper": "Paper ballots", "actions": "Actions", "owner": "Owner", "due": "Due", "next_step": "Next step",
        "actions_text": "Next steps agreed for the items of the top quadrant. The quadrant is the item's place in "
                        "the results of this report (groups weighted).",
        "proposals": "Proposals from participants", "title": "Title", "kind": "Kind", "status": "Status",
        "became": "Item (became / merged into)",
        "kinds": "constraint=Constraint;sector=Sector;outlier_firm=Outlier firm",
        "statuses": "pending=Pending;approved=Approved;merged=Merged;rejected=Rejected",
    },
    "fr": {
        "report": "Rapport d'atelier", "generated": "Produit le", "language": "Langue",
        "version": "Version de Prioritas",
        "joined": "Participants inscrits", "activities": "Activités", "method": "Méthode",
        "method_text": (
            "Les participants se sont connectés depuis leur téléphone et ont choisi leur groupe. Les résultats "
            "montrés à la salle pondèrent les groupes (equal_groups) : la moyenne de chaque groupe compte selon son "
            "poids, et seuls les groupes ayant au moins k = {k} réponses sur un élément sont utilisés ou montrés. "
            "La moyenne par tête est donnée pour comparaison. Les intervalles sont des intervalles t à 95 %, "
            "bornés à l'échelle ; le consensus est celui de Tastle-Wierman (0 divisé, 1 unanime). Ces résultats "
            "reflètent les perceptions de la salle, à vérifier avec des données."),
        "weights": "Poids des groupes", "group": "Groupe", "weight": "Poids", "expected": "Attendus",
        "participation": "Participation", "respondents": "Répondants", "item": "Élément", "axis": "Axe",
        "mean": "Moyenne", "median": "Médiane", "ci": "IC 95 %", "consensus": "Consensus", "quadrant": "Quadrant",
        "flags": "Alertes", "per_head": "Moyenne (par tête)", "disagree": "Où les groupes divergent",
        "no_disagreement": "Aucun élément ne montre d'écart important entre les groupes affichables.",
        "not_available": "Les résultats de cette activité n'ont pas pu être calculés dans cette version.",
        "no_results": "Pas encore de résultats.", "score": "Score", "total": "Total", "breadth": "Étendue",
        "rank": "Rang", "borda": "Borda", "mean_rank": "Rang moyen", "criteria": "Critères et poids",
        "criterion": "Critère", "direction": "Sens", "page": "Page", "note": "Note de méthode de l'atelier",
        "hidden": "les groupes de moins de k ne sont pas montrés", "state": "État", "type": "Type",
        "ph": "par tête", "sensitivity": "Sensibilité aux poids",
        "overtakes": "{b} dépasse {a} si le poids de « {criterion} » passe de {start} à {end}.",
        "no_critical": "Aucun changement de poids entre 0 et 1 n'inverse les premiers éléments.",
        "acceptability": "Part de {draws} tirages aléatoires de poids (graine {seed}) où chaque élément est premier, "
                          "dans les trois premiers, ou dans chaque quadrant.",
        "top1": "Premier", "top3": "Trois premiers",
        "highlights": "Points saillants (equal_groups)", "leading": "En tête", "split": "Les groupes divergent sur",
        "change": "Évolution depuis le tour {round}",
        "before": "Tour {round}", "now": "Maintenant",
        "paper": "Bulletins papier", "actions": "Actions", "owner": "Responsable", "due": "Échéance",
        "next_step": "Prochaine étape",
        "actions_text": "Prochaines étapes convenues pour les éléments du quadrant prioritaire. Le quadrant est la "
                        "place de l'élément dans les résultats de ce rapport (groupes pondérés).",
        "proposals": "Propositions des participants", "title": "Titre", "kind": "Type", "status": "Statut",
        "became": "Élément (créé / fusionné avec)",
        "kinds": "constraint=Contrainte;sector=Secteur;outlier_firm=Entreprise atypique",
        "statuses": "pending=En attente;approved=Approuvée;merged=Fusionnée;rejected=Rejetée",
    },
    "es": {
        "report": "Informe del taller", "generated": "Generado", "language": "Idioma",
        "version": "Versión de Prioritas", "joined": "Participantes inscritos", "activities": "Actividades",
        "method": "Método",
        "method_text": (
            "Los participantes se conectaron desde su teléfono y eligieron su grupo. Los resultados mostrados a la "
            "sala ponderan los grupos (equal_groups): la media de cada grupo cuenta según su peso, y solo se usan "
            "o muestran los grupos con al menos k = {k} respuestas sobre un elemento. La media por persona se da "
            "como comparación. Los intervalos son intervalos t al 95 %, acotados a la escala; el consenso es el de "
            "Tastle-Wierman (0 dividido, 1 unánime). Son percepciones de la sala, a contrastar con datos."),
        "weights": "Pesos de los grupos", "group": "Grupo", "weight": "Peso", "expected": "Esperados",
        "participation": "Participación", "respondents": "Respondientes", "item": "Elemento", "axis": "Eje",
        "mean": "Media", "median": "Mediana", "ci": "IC 95 %", "consensus": "Consenso", "quadrant": "Cuadrante",
        "flags": "Alertas", "per_head": "Media (por persona)", "disagree": "Donde los grupos discrepan",
        "no_disagreement": "Ningún elemento muestra una gran diferencia entre los grupos que pueden mostrarse.",
        "not_available": "Los resultados de esta actividad no se pudieron calcular en esta versión.",
        "no_results": "Todavía no hay resultados.", "score": "Puntuación", "total": "Total", "breadth": "Amplitud",
        "rank": "Puesto", "borda": "Borda", "mean_rank": "Puesto medio", "criteria": "Criterios y pesos",
        "criterion": "Criterio", "direction": "Sentido", "page": "Página", "note": "Nota de método del taller",
        "hidden": "los grupos con menos de k no se muestran", "state": "Estado", "type": "Tipo",
        "ph": "por persona", "sensitivity": "Sensibilidad a los pesos", "top1": "Primero", "top3": "Tres primeros",
        "highlights": "Lo más destacado (equal_groups)", "leading": "En cabeza", "split": "Los grupos discrepan sobre",
        "change": "Cambio desde la ronda {round}", "before": "Ronda {round}", "now": "Ahora",
        "paper": "Papeletas en papel", "actions": "Acciones", "owner": "Responsable", "due": "Plazo",
        "next_step": "Próximo paso",
        "actions_text": "Próximos pasos acordados para los elementos del cuadrante prioritario. El cuadrante es el "
                        "lugar del elemento en los resultados de este informe (grupos ponderados).",
        "proposals": "Propuestas de los participantes", "title": "Título", "kind": "Tipo", "status": "Estado",
        "became": "Elemento (creado / fusionado con)",
        "kinds": "constraint=Restricción;sector=Sector;outlier_firm=Empresa atípica",
        "statuses": "pending=Pendiente;approved=Aprobada;merged=Fusionada;rejected=Rechazada",
    },
    "pt": {
        "report": "Relatório da oficina", "generated": "Gerado", "language": "Idioma",
        "version": "Versão do Prioritas", "joined": "Participantes inscritos", "activities": "Atividades",
        "method": "Método",
        "method_text": (
            "Os participantes entraram pelo telemóvel e escolheram o seu grupo. Os resultados mostrados à sala "
            "ponderam os grupos (equal_groups): a média de cada grupo conta segundo o seu peso, e só se usam ou "
            "mostram os grupos com pelo menos k = {k} respostas sobre um elemento. A média por pessoa é dada para "
            "comparação. Os intervalos são intervalos t a 95 %, limitados à escala; o consenso é o de "
            "Tastle-Wierman (0 dividido, 1 unânime). São perceções da sala, a confrontar com dados."),
        "weights": "Pesos dos grupos", "group": "Grupo", "weight": "Peso", "expected": "Esperados",
        "participation": "Participação", "respondents": "Respondentes", "item": "Elemento", "axis": "Eixo",
        "mean": "Média", "median": "Mediana", "ci": "IC 95 %", "consensus": "Consenso", "quadrant": "Quadrante",
        "flags": "Alertas", "per_head": "Média (por pessoa)", "disagree": "Onde os grupos divergem",
        "no_disagreement": "Nenhum elemento mostra uma grande diferença entre os grupos que podem ser mostrados.",
        "not_available": "Os resultados desta atividade não puderam ser calculados nesta versão.",
        "no_results": "Ainda não há resultados.", "score": "Pontuação", "total": "Total", "breadth": "Amplitude",
        "rank": "Posição", "borda": "Borda", "mean_rank": "Posição média", "criteria": "Critérios e pesos",
        "criterion": "Critério", "direction": "Sentido", "page": "Página", "note": "Nota de método da oficina",
        "hidden": "os grupos com menos de k não são mostrados", "state": "Estado", "type": "Tipo",
        "ph": "por pessoa", "sensitivity": "Sensibilidade aos pesos", "top1": "Primeiro", "top3": "Três primeiros",
        "highlights": "Destaques (equal_groups)", "leading": "À frente", "split": "Os grupos divergem sobre",
        "change": "Mudança desde a ronda {round}", "before": "Ronda {round}", "now": "Agora",
        "paper": "Boletins em papel", "actions": "Ações", "owner": "Responsável", "due": "Prazo",
        "next_step": "Próximo passo",
        "actions_text": "Próximos passos acordados para os elementos do quadrante prioritário. O quadrante é o "
                        "lugar do elemento nos resultados deste relatório (grupos ponderados).",
        "proposals": "Propostas dos participantes", "title": "Título", "kind": "Tipo", "status": "Estado",
        "became": "Elemento (criado / fundido com)",
        "kinds": "constraint=Restrição;sector=Setor;outlier_firm=Empresa atípica",
        "statuses": "pending=Pendente;approved=Aprovada;merged=Fundida;rejected=Rejeitada",
    },
    "ar": {
        "report": "تقرير ورشة العمل", "generated": "تاريخ الإعداد", "language": "اللغة",
        "version": "إصدار Prioritas", "joined": "المشاركون المنضمون", "activities": "الأنشطة", "method": "المنهجية",
        "method_text": (
            "انضم المشاركون من هواتفهم واختار كل منهم مجموعته. النتائج المعروضة على القاعة تُرجِّح المجموعات "
            "(equal_groups): يُحتسب متوسط كل مجموعة بحسب وزنها، ولا تُستخدم أو تُعرض إلا المجموعات التي لديها "
            "k = {k} إجابات على الأقل عن البند، حتى لا يمكن تمييز أي مجموعة صغيرة. يُعرض المتوسط لكل فرد "
            "للمقارنة. الفترات هي فترات t بمستوى 95 % محصورة في حدود المقياس؛ والتوافق هو مقياس Tastle-Wierman "
            "(0 انقسام، 1 إجماع). هذه تصورات القاعة، وينبغي مقارنتها بالبيانات."),
        "weights": "أوزان المجموعات", "group": "المجموعة", "weight": "الوزن", "expected": "العدد المتوقع",
        "participation": "المشاركة", "respondents": "المجيبون", "item": "البند", "axis": "المحور",
        "mean": "المتوسط", "median": "الوسيط", "ci": "فترة الثقة 95 %", "consensus": "التوافق",
        "quadrant": "الربع", "flags": "تنبيهات", "per_head": "المتوسط (لكل فرد)",
        "disagree": "حيث تختلف المجموعات",
        "no_disagreement": "لا يُظهر أي بند فجوة كبيرة بين المجموعات التي يمكن عرضها.",
        "not_available": "تعذّر حساب نتائج هذا النشاط في هذا الإصدار.",
        "no_results": "لا توجد نتائج بعد.", "score": "الدرجة", "total": "المجموع", "breadth": "الانتشار",
        "rank": "الترتيب", "borda": "بوردا", "mean_rank": "متوسط الترتيب", "criteria": "المعايير والأوزان",
        "criterion": "المعيار", "direction": "الاتجاه", "page": "صفحة", "note": "ملاحظة منهجية الورشة",
        "hidden": "لا تُعرض المجموعات التي يقل عددها عن k", "state": "الحالة", "type": "النوع",
        "ph": "لكل فرد", "sensitivity": "الحساسية للأوزان",
        "overtakes": "يتقدّم {b} على {a} إذا تغيّر وزن «{criterion}» من {start} إلى {end}.",
        "no_critical": "لا يؤدي أي تغيير في الأوزان بين 0 و1 إلى تبديل البنود المتصدرة.",
        "acceptability": "نسبة السحوبات العشوائية للأوزان ({draws} سحبًا، البذرة {seed}) التي يكون فيها كل بند "
                          "الأول، أو ضمن الثلاثة الأوائل، أو في كل ربع.",
        "top1": "الأول", "top3": "الثلاثة الأوائل",
        "highlights": "أبرز النتائج (equal_groups)", "leading": "في الصدارة", "split": "تختلف المجموعات حول",
        "change": "التغيّر منذ الجولة {round}", "before": "الجولة {round}", "now": "الآن",
        "paper": "بطاقات ورقية", "actions": "الإجراءات", "owner": "المسؤول", "due": "الموعد",
        "next_step": "الخطوة التالية",
        "actions_text": "الخطوات التالية المتفق عليها لبنود الربع ذي الأولوية. الربع هو موقع البند في نتائج هذا "
                        "التقرير (بترجيح المجموعات).",
        "proposals": "مقترحات المشاركين", "title": "العنوان", "kind": "النوع", "status": "الحالة",
        "became": "البند (الذي أصبح / الذي دُمج فيه)",
        "kinds": "constraint=قيد;sector=قطاع;outlier_firm=شركة متميزة",
        "statuses": "pending=قيد الانتظار;approved=مقبول;merged=مدمج;rejected=مرفوض",
    },
}


def strings(language: str) -> dict[str, str]:
    """The report's wording in the workshop's language, English where we have no translation."""
    return {**STRINGS["en"], **STRINGS.get(language, {})}


def fmt(value: Any, digits: int = 2) -> str:
    """How a number is displayed in the report: two decimals, an en dash for 'no value'."""
    if value is None:
        return "–"
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return str(value)


def fmt_ci(ci: Any) -> str:
    if isinstance(ci, (list, tuple)) and len(ci) == 2 and None not in ci:
        return f"{fmt(ci[0])}–{fmt(ci[1])}"
    return "–"


class Report(FPDF):
    def __init__(self, text: Mapping[str, str], title: str, shaping: bool = False) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.text, self.report_title = text, title
        self.add_font(FONT, "", str(FONT_DIR / "DejaVuSans.ttf"))
        self.add_font(FONT, "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))
        if shaping:
            self._shape()

    def _shape(self) -> None:
        """HarfBuzz shaping (uharfbuzz) and bidi; without uharfbuzz the text is still printed, unjoined."""
        if all(path.exists() for path in ARABIC_FONTS):
            self.add_font(ARABIC_FONT, "", str(ARABIC_FONTS[0]))
            self.add_font(ARABIC_FONT, "B", str(ARABIC_FONTS[1]))
            self.set_fallback_fonts([ARABIC_FONT], exact_match=False)
        try:
            self.set_text_shaping(True)
        except (ImportError, FPDFException):
            log.warning("uharfbuzz is missing: Arabic and other joined scripts are printed without shaping")
        self.set_auto_page_break(auto=True, margin=16)
        self.set_margins(15, 15, 15)

    def normalize_text(self, text: str) -> str:
        """Every string fpdf2 prints passes here: characters no font draws (stored before the input checks, or
        by another path) become U+FFFD instead of breaking the report."""
        return super().normalize_text(printable(text, strict=True))

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(FONT, "", 8)
        self.set_text_color(110, 110, 110)
        self.cell(0, 5, f"{self.report_title} · {self.text['page']} {self.page_no()}", align="C")
        self.set_text_color(0, 0, 0)

    def heading(self, text: str, size: int = 14) -> None:
        self.set_font(FONT, "B", size)
        self.multi_cell(0, size * 0.5, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(1.5)
        self.set_font(FONT, "", 9)

    def paragraph(self, text: str, size: int = 9) -> None:
        self.set_font(FONT, "", size)
        self.multi_cell(0, size * 0.5, text, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(2)

    def grid(self, header: Sequence[str] | None, rows: Sequence[tuple[Sequence[str], bool]],
             widths: Sequence[float] | None = None, size: int = 8) -> None:
        """A table; rows marked True are shaded (items with a flag); no heading row when `header` is None."""
        self.set_font(FONT, "", size)
        head = FontFace(emphasis="BOLD", fill_color=HEAD_FILL)
        flagged = FontFace(fill_color=FLAG_FILL)
        with self.table(col_widths=widths, headings_style=head, line_height=size * 0.5,
                        text_align="LEFT", first_row_as_headings=header is not None) as table:
            if header is not None:
                row = table.row()
                for name in header:
                    row.cell(_fits(name))
            for values, highlight in rows:
                row = table.row()
                for value in values:
                    row.cell(_fits(value), style=flagged if highlight else None)
        self.ln(3)


#: A table cell's text stops here: a row must fit on one page (the full text is in the workbook).
MAX_CELL_CHARS = 600


def _fits(value: str) -> str:
    return value if len(value) <= MAX_CELL_CHARS else value[:MAX_CELL_CHARS - 1] + "…"


def _flags(item: Mapping[str, Any]) -> str:
    return ", ".join(flag.replace("_", " ") for flag in item.get("flags") or [])


def _per_head_items(entry: ActivityReport) -> dict[str, Mapping[str, Any]]:
    return {item["item"]: item for item in (entry.per_head or {}).get("items", [])}


def _rated_rows(entry: ActivityReport, axes: Sequence[str], titles: Mapping[str, str],
                quadrants: Mapping[str, str]) -> list[tuple[list[str], bool]]:
    per_head = _per_head_items(entry)
    rows = []
    for item in (entry.equal or {}).get("items", []):
        for n, axis in enumerate(axes):
            figures = item.get(axis) or {}
            other = (per_head.get(item["item"], {}).get(axis) or {})
            first = n == 0
            rows.append(([
                titles.get(item["item"], item["item"]) if first else "",
                fmt(item.get("n")) if first else "",
                axis,
                fmt(figures.get("mean")), fmt(other.get("mean")), fmt(figures.get("median")),
                fmt_ci(figures.get("ci95")), fmt(figures.get("consensus")),
                quadrants.get(item.get("quadrant") or "", item.get("quadrant") or "–") if first else "",
                _flags(item) if first else "",
            ], bool(item.get("flags"))))
    return rows


def _change(pdf: Report, entry: ActivityReport, axes: Sequence[str], titles: Mapping[str, str]) -> None:
    """Delphi: each item's mean and consensus in the previous round and now (equal_groups, suppressed alike)."""
    previous = (entry.equal or {}).get("previous")
    if not isinstance(previous, Mapping):
        return
    text = pdf.text
    before = text["before"].format(round=previous.get("round"))
    rows = []
    for item in (entry.equal or {}).get("items", []):
        old = (previous.get("items") or {}).get(item["item"]) or {}
        for n, axis in enumerate(axes):
            then, now = old.get(axis) or {}, item.get(axis) or {}
            rows.append(([titles.get(item["item"], item["item"]) if n == 0 else "", axis,
                          fmt(then.get("mean")), fmt(now.get("mean")), fmt(then.get("consensus")),
                          fmt(now.get("consensus"))], False))
    pdf.heading(text["change"].format(round=previous.get("round")), 11)
    pdf.grid([text["item"], text["axis"], f"{text['mean']} ({before})", f"{text['mean']} ({text['now']})",
              f"{text['consensus']} ({before})", f"{text['consensus']} ({text['now']})"], rows,
             (60, 12, 27, 27, 27, 27))


def _disagreements(entry: ActivityReport, axes: Mapping[str, tuple[int, int]], titles: Mapping[str, str],
                   group_names: Mapping[str, str]) -> list[str]:
    """Items flagged divergent/polarised, or whose shown group means differ by a quarter of the scale width."""
    lines = []
    for item in (entry.equal or {}).get("items", []):
        flags = set(item.get("flags") or [])
        gaps = []
        for axis, (low, high) in axes.items():
            means = {g: (v.get(axis) or {}).get("mean") for g, v in (item.get("by_group") or {}).items()
                     if isinstance(v, Mapping)}
            shown = {g: m for g, m in means.items() if m is not None}
            if len(shown) >= 2 and max(shown.values()) - min(shown.values()) >= DIVERGENCE_SHARE * (high - low):
                gaps.append(f"{axis}: " + ", ".join(f"{group_names.get(g, g)} {fmt(m)}" for g, m in shown.items()))
        if gaps or flags & {"divergent", "polarised"}:
            label = titles.get(item["item"], item["item"])
            tag = f" [{', '.join(sorted(flags & {'divergent', 'polarised'}))}]" if flags else ""
            lines.append(f"• {label}{tag}: " + ("; ".join(gaps) if gaps else "–"))
    return lines


def _chart(pdf: Report, entry: ActivityReport, report: WorkshopReport) -> None:
    if entry.equal is None:
        return
    with matplotlib.rc_context(charts.RC):
        figure = charts.figure_for(entry.document, entry.equal, report.item_titles, report.group_names)
    image = io.BytesIO(charts.render(figure, "png"))
    width = pdf.epw if entry.document["type"] in ("matrix", "criteria") else pdf.epw * 0.9
    pdf.image(image, w=width)
    pdf.ln(2)


def _activity(pdf: Report, entry: ActivityReport, report: WorkshopReport) -> None:
    text, doc = pdf.text, entry.document
    titles, groups = report.item_titles, report.group_names
    pdf.add_page()
    pdf.heading(doc["title"])
    equal = entry.equal or {}
    delphi = f" · Round {doc['round']}" if doc.get("round", 1) > 1 else ""
    pdf.paragraph(f"{text['type']}: {doc['type']} · {text['state']}: {doc['state']}{delphi} · "
                  f"{text['respondents']}: {fmt(equal.get('respondents'))}")
    if entry.error:
        pdf.paragraph(text["not_available"])
        return
    if not equal.get("respondents"):
        pdf.paragraph(text["no_results"])
    _chart(pdf, entry, report)
    kind = doc["type"]
    quadrants = doc.get("quadrants") or {}
    header = [text["item"], "n", text["axis"], text["mean"], text["per_head"], text["median"], text["ci"],
              text["consensus"], text["quadrant"], text["flags"]]
    widths = (32, 8, 10, 12, 15, 14, 21, 19, 25, 24)
    if kind in ("matrix", "scale"):
        axes = ("x", "y") if kind == "matrix" else ("value",)
        if kind == "scale":
            header, widths = header[:8] + header[9:], (50, 10, 12, 17, 19, 17, 25, 20, 20)
        pdf.paragraph(" · ".join(f"{a} = {doc[a].get('label', a)} ({doc[a]['min']}–{doc[a]['max']})"
                                 for a in axes if isinstance(doc.get(a), Mapping)), 8)
        rows = _rated_rows(entry, axes, titles, quadrants)
        if kind == "scale":
            rows = [(values[:8] + values[9:], flag) for values, flag in rows]
        pdf.grid(header, rows, widths)
        scales = {a: (int(doc[a]["min"]), int(doc[a]["max"])) for a in axes if a in doc}
        _change(pdf, entry, axes, titles)
        pdf.heading(text["disagree"], 11)
        lines = _disagreements(entry, scales, titles, groups)
        pdf.paragraph("\n".join(lines) if lines else text["no_disagreement"])
        pdf.paragraph(f"({text['hidden']})", 7)
    elif kind == "criteria":
        per_head = _per_head_items(entry)
        rows = []
        for item in equal.get("items", []):
            other = per_head.get(item["item"], {})
            rows.append(([titles.get(item["item"], item["item"]), fmt((item.get("x") or {}).get("score")),
                          fmt((item.get("y") or {}).get("score")), fmt((other.get("x") or {}).get("score")),
                          fmt((other.get("y") or {}).get("score")),
                          quadrants.get(item.get("quadrant") or "", item.get("quadrant") or "–"), _flags(item)],
                         bool(item.get("flags"))))
        labels = {a: (doc.get(a) or {}).get("label", a) for a in ("x", "y")}
        pdf.grid([text["item"], labels["x"], labels["y"], f"{labels['x']} ({text['ph']})",
                  f"{labels['y']} ({text['ph']})", text["quadrant"], text["flags"]], rows,
                 (44, 20, 20, 24, 24, 26, 22))
        pdf.heading(text["criteria"], 11)
        weights = equal.get("criteria") or doc.get("criteria") or []
        pdf.grid([text["criterion"], text["axis"], text["direction"], text["weight"]],
                 [([c.get("label", c.get("key", "")), c.get("axis", ""), fmt(c.get("direction")),
                    fmt(float(c.get("weight", 0)))], False) for c in weights], (90, 20, 30, 40))
        _sensitivity(pdf, equal, doc, titles)
    elif kind == "points":
        per_head = _per_head_items(entry)
        rows = [([titles.get(i["item"], i["item"]), fmt(i.get("total")), fmt(i.get("breadth")), fmt(i.get("score")),
                  fmt(per_head.get(i["item"], {}).get("score"))], False) for i in equal.get("items", [])]
        pdf.grid([text["item"], text["total"], text["breadth"], text["score"], f"{text['score']} ({text['ph']})"],
                 rows, (70, 25, 25, 25, 35))
    elif kind == "ranking":
        borda = equal.get("borda") or {}
        mean_rank = {i["item"]: i.get("mean_rank") for i in equal.get("items", [])}
        order = equal.get("schulze") or list(mean_rank)
        rows = [([str(n), titles.get(k, k), fmt(borda.get(k)), fmt(mean_rank.get(k))], False)
                for n, k in enumerate(order, start=1)]
        pdf.grid([text["rank"], text["item"], text["borda"], text["mean_rank"]], rows, (15, 95, 35, 35))


STRINGS["en"].update({
    "delphi": "Delphi rounds", "kendall": "Kendall's W (agreement on the order, 0 to 1)",
    "round_line": "Round {round}: {asked} items asked ({rule}); converged: {converged}",
    "every_item": "every item", "none": "none",
})


def _delphi(pdf: Report, entry: ActivityReport, report: WorkshopReport) -> None:
    """Which items each round asked and which converged; for a ranking, Kendall's W per round (room, and the
    groups shown from k ballots)."""
    from app.services import delphi

    activity = entry.activity
    if entry.error or (activity.round <= 1 and activity.type != "ranking"):
        return
    text, titles, groups = pdf.text, report.item_titles, report.group_names
    rows = delphi.round_summaries(activity)
    pdf.heading(text["delphi"] if activity.round > 1 else text["kendall"], 11)
    lines = []
    for row in rows:
        rule = row["rule"]
        rule_text = text["every_item"] if not rule else (
            f"consensus >= {rule['threshold']:g}" if rule["criterion"] == "consensus"
            else f"IQR <= {rule['threshold']:g}")
        line = text["round_line"].format(round=row["round"], asked=len(row["asked"]), rule=rule_text,
                                         converged=", ".join(titles.get(k, k) for k in row["converged"])
                                         or text["none"])
        if activity.type == "ranking":
            by_group = ", ".join(f"{groups.get(g, g)} {fmt(w)}" for g, w in row["kendall_w_by_group"].items())
            line += f" · W = {fmt(row['kendall_w'])}" + (f" ({by_group})" if by_group else "")
        lines.append(line)
    pdf.paragraph("\n".join(lines), 8)


def _sensitivity(pdf: Report, results: Mapping[str, Any], activity: Mapping[str, Any],
                 titles: Mapping[str, str]) -> None:
    """Critical weight changes and rank acceptability (domain.md 3.6), when the results carry them."""
    sensitivity = results.get("sensitivity")
    if not isinstance(sensitivity, Mapping):
        return
    text = pdf.text
    labels = {c["key"]: c.get("label", c["key"]) for c in activity.get("criteria", [])}
    pdf.heading(text["sensitivity"], 11)
    lines = [text["overtakes"].format(a=titles.get(c["a"], c["a"]), b=titles.get(c["b"], c["b"]),
                                      criterion=labels.get(c["criterion"], c["criterion"]),
                                      start=fmt(c["from"]), end=fmt(c["to"]))
             for c in sensitivity.get("critical_weights") or []]
    pdf.paragraph("\n".join(lines) if lines else text["no_critical"])
    acceptability = sensitivity.get("acceptability")
    if isinstance(acceptability, Mapping) and acceptability.get("items"):
        pdf.paragraph(text["acceptability"].format(draws=acceptability.get("draws"), seed=acceptability.get("seed")),
                      8)
        names = {**charts.DEFAULT_QUADRANTS, **(activity.get("quadrants") or {})}
        order = ("top_right", "top_left", "bottom_right", "bottom_left")
        rows = [([titles.get(key, key), fmt(entry.get("top1")), fmt(entry.get("top3")),
                  *(fmt((entry.get("quadrants") or {}).get(q)) for q in order)], False)
                for key, entry in acceptability["items"].items()]
        pdf.grid([text["item"], text["top1"], text["top3"], *(names[q] for q in order)], rows,
                 (48, 18, 20, 24, 24, 23, 23))


def _cover(pdf: Report, report: WorkshopReport) -> None:
    text, doc = pdf.text, report.document
    pdf.add_page()
    pdf.ln(30)
    pdf.set_font(FONT, "", 12)
    pdf.set_text_color(80, 80, 80)
    pdf.cell(0, 8, text["report"], new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_text_color(0, 0, 0)
    pdf.heading(doc["title"], 22)
    pdf.ln(6)
    facts = [
        (text["generated"], _when(report.generated_at)),
        (text["language"], doc["language"]),
        (text["joined"], str(sum(report.joined.values()))),
        (text["activities"], ", ".join(a["title"] for a in doc["activities"])),
        (text["version"], report.app_version),
    ]
    pdf.grid(None, [([name, value], False) for name, value in facts], (55, 125), size=9)
    lines = _highlights(report)
    if lines:
        pdf.heading(text["highlights"], 11)
        pdf.grid(None, [([title, line], False) for title, line in lines], (55, 125), size=9)
    pdf.heading(text["weights"], 11)
    pdf.grid([text["group"], text["weight"]],
             [([display_name(g, doc.get("second_language") or ""), fmt(float(g["weight"]))], False)
              for g in doc["groups"]], (120, 60), size=9)


def _titles(keys: Sequence[str], titles: Mapping[str, str]) -> str:
    return ", ".join(titles.get(key, key) for key in keys) or "–"


def _highlights(report: WorkshopReport) -> list[tuple[str, str]]:
    """One line per activity for the cover: the top quadrants, the leading items, where the groups disagree."""
    titles, out = report.item_titles, []
    text = strings(report.document["language"])
    for entry in report.activities:
        equal, doc = entry.equal, entry.document
        if not equal or not equal.get("respondents"):
            continue
        items = equal.get("items", [])
        kind = doc["type"]
        parts = []
        if kind in ("matrix", "criteria"):
            names = {**charts.DEFAULT_QUADRANTS, **(doc.get("quadrants") or {})}
            for quadrant in ("top_right", "top_left"):
                keys = [i["item"] for i in items if i.get("quadrant") == quadrant]
                parts.append(f"{names[quadrant]}: {_titles(keys, titles)}")
        elif kind in ("scale", "points"):
            parts.append(f"{text['leading']}: {_titles([i['item'] for i in items[:3]], titles)}")
        elif kind == "ranking":
            parts.append(f"{text['leading']}: {_titles((equal.get('schulze') or [])[:3], titles)}")
        split = [i["item"] for i in items if {"divergent", "polarised"} & set(i.get("flags") or [])]
        if split:
            parts.append(f"{text['split']}: {_titles(split, titles)}")
        out.append((doc["title"], "\n".join(parts)))
    return out


def _when(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M UTC")


def _method(pdf: Report, report: WorkshopReport) -> None:
    text, doc = pdf.text, report.document
    pdf.add_page()
    pdf.heading(text["method"])
    pdf.paragraph(text["method_text"].format(k=doc["min_group_size"]))
    if doc.get("method_note"):
        pdf.heading(text["note"], 11)
        pdf.paragraph(doc["method_note"])
    pdf.heading(text["participation"], 11)
    keys = [a.document["key"] for a in report.activities]
    header = [text["group"], text["weight"], text["expected"], text["joined"], text["paper"], *keys]
    second = doc.get("second_language") or ""
    rows = [([display_name(g, second), fmt(float(g["weight"])), fmt(g.get("expected")),
              str(report.joined.get(g["key"], 0)),
              str(report.paper.get(g["key"], 0)),
              *(str(report.respondents.get(k, {}).get(g["key"], 0)) for k in keys)], False)
            for g in doc["groups"]]
    first = 45.0
    rest = (pdf.epw - first) / (len(header) - 1)
    pdf.grid(header, rows, (first, *([rest] * (len(header) - 1))))


def _labels(table: str) -> dict[str, str]:
    """A "key=Label;key=Label" string of the table as a dict (kinds and statuses of proposals)."""
    return dict(part.split("=", 1) for part in table.split(";") if "=" in part)


def _actions(pdf: Report, report: WorkshopReport) -> None:
    """Who does what by when, grouped by activity; only when the facilitator recorded actions."""
    if not report.actions:
        return
    text = pdf.text
    pdf.add_page()
    pdf.heading(text["actions"])
    pdf.paragraph(text["actions_text"])
    activity = None
    rows: list[tuple[list[str], bool]] = []
    for action in report.actions:
        if action.activity != activity:
            if rows:
                pdf.grid([text["item"], text["quadrant"], text["owner"], text["due"], text["next_step"]], rows,
                         (40, 28, 32, 20, 60))
                rows = []
            activity = action.activity
            pdf.heading(action.activity_title, 11)
        rows.append(([action.item_title, action.quadrant_name or "–", action.owner,
                      action.due_date.isoformat() if action.due_date else "–", action.note or ""], False))
    pdf.grid([text["item"], text["quadrant"], text["owner"], text["due"], text["next_step"]], rows,
             (40, 28, 32, 20, 60))


def _proposals(pdf: Report, report: WorkshopReport) -> None:
    """What participants said was missing, and what became of it; the group only, never the person."""
    if not report.proposals:
        return
    text = pdf.text
    kinds, statuses = _labels(text["kinds"]), _labels(text["statuses"])
    pdf.heading(text["proposals"])
    rows = [([p.title, kinds.get(p.kind, p.kind), p.group or "–", statuses.get(p.status, p.status), p.item or "–"],
             False) for p in report.proposals]
    pdf.grid([text["title"], text["kind"], text["group"], text["status"], text["became"]], rows,
             (60, 25, 35, 22, 38))


def needs_shaping(report: WorkshopReport) -> bool:
    """Whether any text of the report is in a script that needs shaping or runs right to left."""
    words = [json.dumps(report.document, ensure_ascii=False)]
    words += [f"{a.owner} {a.note} {a.item_title} {a.activity_title} {a.quadrant_name or ''}" for a in report.actions]
    words += [f"{p.title} {p.group} {p.item}" for p in report.proposals]
    return any(low <= ord(ch) <= high for chunk in words for ch in chunk for low, high in COMPLEX_SCRIPTS)


def report_pdf(report: WorkshopReport) -> bytes:
    """The whole report as PDF bytes."""
    text = strings(report.document["language"])
    pdf = Report(text, report.document["title"], shaping=needs_shaping(report))
    pdf.set_title(report.document["title"])
    pdf.set_creator(f"Prioritas {report.app_version}")
    pdf.set_creation_date(report.generated_at)
    _cover(pdf, report)
    _method(pdf, report)
    for entry in report.activities:
        _activity(pdf, entry, report)
        _delphi(pdf, entry, report)
    _actions(pdf, report)
    if report.proposals and not report.actions:
        pdf.add_page()
    _proposals(pdf, report)
    return bytes(pdf.output())

#!/usr/bin/env python3
"""Writes the XLSForm test workbooks in this directory (python3, stdlib only).

The .xlsx files are written part by part, as spreadsheet programs write them,
so that the reader meets what it will meet in the field rather than only what
vigil's own writer (libxlsxwriter) makes:

- observer_checklist.xlsx: laid out like ODK's XLSForm template saved by
  Excel: shared strings, numbers (version 2026061, bounds), a boolean cell
  (required = TRUE), rich text runs, "label::English (en)" columns, groups, a
  repeat, notes, calculate, date/datetime/geopoint, vigil's extra columns.
- kobo_style.xlsx: as KoboToolbox exports a form: inline strings in every
  cell, plain "label"/"hint" columns, "$kuid" and "$autoname" bookkeeping
  columns, start/end/deviceid metadata rows, "begin group"/"end group"
  written with spaces, an extra sheet, element names with an "x:" namespace
  prefix and absolute relationship targets.
- observer_checklist_changed.xlsx: the same form_id and version with one
  label changed (a conflicting re-import).
- bad_*.xlsx: malformed workbooks for the error tests.

Run it from anywhere; it rewrites the files next to itself. The output is
byte-for-byte reproducible (fixed zip timestamps).
"""
import os
import zipfile
from xml.sax.saxutils import escape

HERE = os.path.dirname(os.path.abspath(__file__))
NS = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main'
REL = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships'
PKG = 'http://schemas.openxmlformats.org/package/2006/relationships'


def col_name(i):
    s = ''
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        s = chr(65 + r) + s
    return s


class Book:
    """Cells are str (shared or inline string), int/float (number), bool."""

    def __init__(self, inline=False, prefix='', absolute=False):
        self.sheets = []
        self.inline = inline
        self.prefix = prefix
        self.absolute = absolute
        self.shared = []

    def sheet(self, name, rows):
        self.sheets.append((name, rows))

    def _s(self, text):
        if text not in self.shared:
            self.shared.append(text)
        return self.shared.index(text)

    def _cell(self, ref, v):
        p = self.prefix
        if isinstance(v, bool):
            return f'<{p}c r="{ref}" t="b"><{p}v>{int(v)}</{p}v></{p}c>'
        if isinstance(v, (int, float)):
            return f'<{p}c r="{ref}"><{p}v>{v!r}</{p}v></{p}c>'
        if isinstance(v, tuple):  # rich text runs
            runs = ''.join(f'<{p}r><{p}rPr><{p}b/></{p}rPr><{p}t xml:space="preserve">{escape(t)}</{p}t></{p}r>'
                           for t in v)
            if self.inline:
                return f'<{p}c r="{ref}" t="inlineStr"><{p}is>{runs}</{p}is></{p}c>'
            self.shared.append(v)
            return f'<{p}c r="{ref}" t="s"><{p}v>{len(self.shared) - 1}</{p}v></{p}c>'
        if self.inline:
            return (f'<{p}c r="{ref}" t="inlineStr"><{p}is><{p}t xml:space="preserve">'
                    f'{escape(v)}</{p}t></{p}is></{p}c>')
        return f'<{p}c r="{ref}" t="s"><{p}v>{self._s(v)}</{p}v></{p}c>'

    def _sheet_xml(self, rows):
        p = self.prefix
        xmlns = f'xmlns:{p[:-1]}="{NS}"' if p else f'xmlns="{NS}"'
        out = [f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<{p}worksheet {xmlns}>'
               f'<{p}sheetData>']
        for r, row in enumerate(rows, start=1):
            cells = ''.join(self._cell(f'{col_name(c)}{r}', v)
                            for c, v in enumerate(row) if v is not None and v != '')
            if cells:
                out.append(f'<{p}row r="{r}">{cells}</{p}row>')
        out.append(f'</{p}sheetData></{p}worksheet>')
        return ''.join(out)

    def _shared_xml(self):
        items = []
        for s in self.shared:
            if isinstance(s, tuple):
                items.append('<si>' + ''.join(f'<r><t xml:space="preserve">{escape(t)}</t></r>' for t in s)
                             + '<rPh sb="0" eb="1"><t>PHONETIC</t></rPh></si>')
            else:
                items.append(f'<si><t xml:space="preserve">{escape(s)}</t></si>')
        return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst xmlns="{NS}" '
                f'count="{len(items)}" uniqueCount="{len(items)}">' + ''.join(items) + '</sst>')

    def save(self, name, corrupt=None):
        parts = {}
        sheets_xml = []
        rels = []
        for i, (sname, rows) in enumerate(self.sheets, start=1):
            parts[f'xl/worksheets/sheet{i}.xml'] = self._sheet_xml(rows)
            sheets_xml.append(f'<sheet name="{escape(sname)}" sheetId="{i}" r:id="rId{i}"/>')
            target = f'/xl/worksheets/sheet{i}.xml' if self.absolute else f'worksheets/sheet{i}.xml'
            rels.append(f'<Relationship Id="rId{i}" Type="{REL}/worksheet" Target="{target}"/>')
        if not self.inline:
            parts['xl/sharedStrings.xml'] = self._shared_xml()
            rels.append(f'<Relationship Id="rId{len(self.sheets) + 1}" Type="{REL}/sharedStrings" '
                        'Target="sharedStrings.xml"/>')
        parts['xl/workbook.xml'] = (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<workbook xmlns="{NS}" '
            f'xmlns:r="{REL}"><sheets>' + ''.join(sheets_xml) + '</sheets></workbook>')
        parts['xl/_rels/workbook.xml.rels'] = (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="{PKG}">'
            + ''.join(rels) + '</Relationships>')
        parts['_rels/.rels'] = (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="{PKG}">'
            f'<Relationship Id="rId1" Type="{REL}/officeDocument" Target="xl/workbook.xml"/>'
            '</Relationships>')
        parts['[Content_Types].xml'] = (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Types xmlns="http://schemas.'
            'openxmlformats.org/package/2006/content-types"><Default Extension="xml" '
            'ContentType="application/xml"/></Types>')
        if corrupt:
            corrupt(parts)
        with zipfile.ZipFile(os.path.join(HERE, name), 'w', zipfile.ZIP_DEFLATED) as z:
            for part in ['[Content_Types].xml', '_rels/.rels'] + sorted(
                    p for p in parts if p not in ('[Content_Types].xml', '_rels/.rels')):
                info = zipfile.ZipInfo(part, date_time=(2026, 1, 1, 0, 0, 0))
                info.compress_type = zipfile.ZIP_DEFLATED
                z.writestr(info, parts[part])


def observer_checklist(changed=False):
    b = Book()
    b.sheet('survey', [
        ['type', 'name', 'label::English (en)', 'label::Russian (ru)', 'hint::English (en)',
         'required', 'relevant', 'constraint', 'constraint_message::English (en)', 'calculation',
         'appearance', 'negative', 'criteria', 'figure', 'contestant'],
        ['begin_group', 'arrival', 'Arrival', 'Прибытие', None, None, None, None, None, None,
         'field-list'],
        ['time', 'T1', 'Time of arrival' + (' (changed)' if changed else ''), 'Время прибытия',
         'As on your phone', True],
        ['date', 'D1', 'Date', 'Дата', None, 'yes'],
        ['geopoint', 'G1', 'Location of the station', 'Место', 'Wait for 10 m accuracy'],
        ['end_group', None],
        ['select_one yes_no', 'V1', ('Was the ballot box ', 'sealed?'), 'Опечатан ли ящик?', None,
         'yes', None, None, None, None, None, 'no', 'transparency accountability'],
        ['select_multiple problems', 'V2', 'Problems seen', 'Замеченные проблемы', None, None,
         "${V1} = 'no'", None, None, None, 'minimal', 'carousel ink', 'equality'],
        ['integer', 'V3', 'Voters turned away', 'Не допущено избирателей', None, 'yes', None,
         '. >= 0 and . <= 5000', 'At most 5000', None, None, '>0', 'universality'],
        ['decimal', 'V4', 'Queue length in metres', 'Длина очереди', None, None, None,
         '. >= 0 and . < ${V3}', 'Shorter than the turnout', None, None, None, None],
        ['datetime', 'V5', 'When did voting close?', 'Когда закончилось голосование?'],
        ['note', 'N1', 'Count the ballots now', 'Подсчитайте бюллетени'],
        ['integer', 'C1', 'Valid ballots', 'Действительные бюллетени', None, 'yes', None,
         '.>=0', None, None, None, None, None, 'valid'],
        ['integer', 'C2', 'Votes for Party A', 'Голоса за партию А', None, 'yes', None, None, None,
         None, None, None, None, 'votes', 'Party A'],
        ['calculate', 'C3', None, None, None, None, None, None, None, '${C1} - ${C2}'],
        ['begin_repeat', 'incidents', 'Incidents', 'Инциденты'],
        ['text', 'I1', 'What happened?', 'Что случилось?', None, 'yes', None,
         'string-length(.) <= 500'],
        ['select_one assessment', 'I2', 'How serious?', 'Насколько серьёзно?'],
        ['end_repeat'],
        ['select_one yes_no_na', 'V6', 'Was the count transparent?', 'Прозрачен ли подсчёт?',
         None, None, None, None, None, None, None, 'no', 'transparency'],
    ])
    b.sheet('choices', [
        ['list_name', 'name', 'label::English (en)', 'label::Russian (ru)'],
        ['yes_no', 'yes', 'Yes', 'Да'],
        ['yes_no', 'no', 'No', 'Нет'],
        ['yes_no_na', 'yes', 'Yes', 'Да'],
        ['yes_no_na', 'no', 'No', 'Нет'],
        ['yes_no_na', 'na', 'N/A', 'Н/П'],
        ['problems', 'carousel', 'Carousel voting', 'Карусель'],
        ['problems', 'ink', 'No ink', 'Нет чернил'],
        ['problems', 'other', 'Other', 'Другое'],
        ['assessment', 'very_good', 'Very good', 'Очень хорошо'],
        ['assessment', 'good', 'Good', 'Хорошо'],
        ['assessment', 'bad', 'Bad', 'Плохо'],
        ['assessment', 'very_bad', 'Very bad', 'Очень плохо'],
    ])
    b.sheet('settings', [
        ['form_title', 'form_id', 'version', 'default_language', 'phase'],
        ['Polling station checklist', 'PS', 2026061, 'English (en)', 'voting'],
    ])
    b.save('observer_checklist_changed.xlsx' if changed else 'observer_checklist.xlsx')


def kobo_style():
    b = Book(inline=True, prefix='x:', absolute=True)
    b.sheet('survey', [
        ['type', 'name', 'label', 'hint', 'required', '$kuid', '$autoname'],
        ['start', 'start', None, None, None, 'ab12', 'start'],
        ['end', 'end', None, None, None, 'cd34', 'end'],
        ['deviceid', 'deviceid', None, None, None, 'ef56', 'deviceid'],
        ['text', 'observer_name', 'Your name', None, 'true', 'gh78', 'observer_name'],
        ['select_one yn', 'opened_on_time', 'Did the station open on time?', None, 'true', 'ij90',
         'opened_on_time'],
        ['begin group', 'details', 'Details', None, None, 'kl00', 'details'],
        ['integer', 'staff', 'Staff present', 'Count everyone', 'false', 'kl12', 'staff'],
        ['end group', None, None, None, None, 'kl01'],
        [],
        ['note', 'thanks', 'Thank you', None, None, 'mn34', 'thanks'],
    ])
    b.sheet('choices', [
        ['list_name', 'name', 'label', '$kuid'],
        ['yn', 'yes', 'Yes', 'op56'],
        ['yn', 'no', 'No', 'qr78'],
    ])
    b.sheet('settings', [
        ['form_title', 'form_id', 'version'],
        ['Opening (Kobo)', 'opening_kobo', '1 (2026-06-01 08:00:00)'],
    ])
    b.sheet('about', [['Made with a spreadsheet; this sheet is not read']])
    b.save('kobo_style.xlsx')


def bad_form():
    b = Book()
    b.sheet('survey', [
        ['type', 'name', 'label', 'required', 'choice_filter'],
        ['text', 'a', 'A'],
        ['barcode', 'b', 'B'],
        ['integer', 'a', 'A again', 'maybe'],
        ['select_one nolist', 'c', 'C'],
        ['begin_group', 'g', 'G'],
        ['begin_repeat', 'r', 'R'],
        ['text', 'd', 'D'],
        ['end_group'],
        ['text', 'e', 'E', None, 'x = 1'],
        ['integer', '1bad', 'Bad name'],
    ])
    b.sheet('choices', [['list_name', 'name', 'label'], ['l', 'x', 'X'], ['l', 'x', 'X again']])
    b.sheet('settings', [['form_id', 'version', 'phase'], ['F', '1', 'lunch']])
    b.save('bad_form.xlsx')


def bad_columns():
    b = Book()
    b.sheet('survey', [
        ['type', 'name', 'label', 'label::en', 'required', 'calculation', 'negative', 'criteria',
         'figure', 'contestant', 'sms'],
        ['note', 'n', 'N', None, 'yes'],
        ['calculate', 'c'],
        ['text', 't', None, None, None, '1 + 1'],
        ['select_one l', 's', None, None, None, None, 'maybe'],
        ['integer', 'i', None, None, None, None, 'lots', 'fairness'],
        ['integer', 'v', None, None, None, None, None, None, 'votes'],
        ['text', 'w', None, None, None, None, None, None, 'valid'],
        ['integer', 'x', None, None, None, None, None, None, 'turnout'],
        ['geopoint', 'p', None, None, None, None, 'no'],
        ['image', 'photo', 'Photo of the protocol'],
        ['text'],
        ['begin_repeat', 'copies'],
        ['integer', 'copy', None, None, None, None, None, None, 'valid', None, 'AC'],
        ['end_repeat'],
        ['begin_group', 'empty'],
        ['end_group', 'other'],
        ['integer', 'sa', None, None, None, None, None, None, None, None, 'AL'],
        ['text', 'sb', None, None, None, None, None, None, None, None, 'AB'],
        ['integer', 'sc', None, None, None, None, None, None, None, None, 'AB'],
        ['integer', 'sd', None, None, None, None, None, None, None, None, 'AB'],
    ])
    b.sheet('choices', [['list_name', 'name', 'label'], ['l', 'a b', 'A B'], ['l', 'c', 'C']])
    b.sheet('settings', [['form_title', 'version', 'sms_prefix', 'sms_comment'],
                         ['No id', '1', 'toolong', 'n'], ['Second row', '2']])
    b.save('bad_columns.xlsx')


def missing_settings():
    b = Book()
    b.sheet('survey', [['type', 'name', 'label'], ['text', 'a', 'A']])
    b.save('bad_missing_settings.xlsx')


def bad_xml():
    b = Book()
    b.sheet('survey', [['type', 'name', 'label'], ['text', 'a', 'A']])
    b.sheet('settings', [['form_id', 'version'], ['F', '1']])

    def corrupt(parts):
        parts['xl/worksheets/sheet1.xml'] = parts['xl/worksheets/sheet1.xml'][:200]
    b.save('bad_xml.xlsx', corrupt)


if __name__ == '__main__':
    observer_checklist()
    observer_checklist(changed=True)
    kobo_style()
    bad_form()
    bad_columns()
    missing_settings()
    bad_xml()
    with open(os.path.join(HERE, 'bad_not_a_zip.xlsx'), 'w') as f:
        f.write('type,name,label\ntext,a,A\n')

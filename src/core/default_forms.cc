#include "core/default_forms.h"

#include <algorithm>
#include <boost/json.hpp>
#include <set>
#include <string>
#include <string_view>

namespace vigil::core {

namespace {

// The opening checklist: from the commission's arrival to the first voter.
// SMS tags run AA, AB, ... in question order, skipping I, L and O, as on
// NDI's Apollo checklists; the comment question takes an SMS's "@" text.
constexpr const char* kOpeningForm = R"json({
 "code": "O",
 "version": "2026.1",
 "phase": "opening",
 "title": {
  "en": "Opening",
  "ru": "Открытие участка"
 },
 "sms_prefix": "O",
 "sms_comment": "OC",
 "questions": [
  {
   "code": "OA",
   "type": "time",
   "labels": {
    "en": "Time of arrival",
    "ru": "Время прибытия"
   },
   "required": true,
   "sms": "AA"
  },
  {
   "code": "O1",
   "type": "yes_no",
   "labels": {
    "en": "Were you able to observe without restriction?",
    "ru": "Могли ли вы наблюдать без ограничений?"
   },
   "negative": [
    "no"
   ],
   "criteria": [
    "transparency"
   ],
   "required": true,
   "sms": "AB"
  },
  {
   "code": "O2",
   "type": "select_one",
   "labels": {
    "en": "When did the polling station open?",
    "ru": "Когда открылся участок?"
   },
   "options": [
    {
     "value": "early",
     "labels": {
      "en": "Early",
      "ru": "Раньше времени"
     }
    },
    {
     "value": "on_time",
     "labels": {
      "en": "On time",
      "ru": "Вовремя"
     }
    },
    {
     "value": "late",
     "labels": {
      "en": "Late",
      "ru": "С опозданием"
     }
    },
    {
     "value": "not_opened",
     "labels": {
      "en": "Did not open",
      "ru": "Не открылся"
     }
    }
   ],
   "required": true,
   "negative": [
    "early",
    "late",
    "not_opened"
   ],
   "criteria": [
    "universality"
   ],
   "sms": "AC"
  },
  {
   "code": "O3",
   "type": "yes_no",
   "labels": {
    "en": "Did the commission meet on time?",
    "ru": "Собралась ли комиссия вовремя?"
   },
   "negative": [
    "no"
   ],
   "criteria": [
    "accountability"
   ],
   "sms": "AD"
  },
  {
   "code": "O4",
   "type": "yes_no",
   "labels": {
    "en": "Were all essential materials present?",
    "ru": "Были ли в наличии все необходимые материалы?"
   },
   "negative": [
    "no"
   ],
   "criteria": [
    "universality"
   ],
   "sms": "AE"
  },
  {
   "code": "O5",
   "type": "yes_no",
   "labels": {
    "en": "Were the ballot boxes shown empty and then sealed?",
    "ru": "Были ли ящики для голосования показаны пустыми и опечатаны?"
   },
   "negative": [
    "no"
   ],
   "criteria": [
    "confidence",
    "accountability"
   ],
   "sms": "AF"
  },
  {
   "code": "O6",
   "type": "yes_no",
   "labels": {
    "en": "Were the ballots counted and the number recorded?",
    "ru": "Были ли бюллетени пересчитаны, а их число записано?"
   },
   "negative": [
    "no"
   ],
   "criteria": [
    "accountability"
   ],
   "sms": "AG"
  },
  {
   "code": "O7",
   "type": "yes_no",
   "labels": {
    "en": "Were unauthorized persons present?",
    "ru": "Присутствовали ли посторонние лица?"
   },
   "negative": [
    "yes"
   ],
   "criteria": [
    "transparency",
    "confidence"
   ],
   "sms": "AH"
  },
  {
   "code": "O8",
   "type": "select_multiple",
   "labels": {
    "en": "Who were the unauthorized persons?",
    "ru": "Кто из посторонних присутствовал?"
   },
   "options": [
    {
     "value": "police",
     "labels": {
      "en": "Police or security",
      "ru": "Полиция или силовые структуры"
     }
    },
    {
     "value": "officials",
     "labels": {
      "en": "Local officials",
      "ru": "Представители местной власти"
     }
    },
    {
     "value": "party",
     "labels": {
      "en": "Party or candidate representatives",
      "ru": "Представители партий или кандидатов"
     }
    },
    {
     "value": "other",
     "labels": {
      "en": "Others",
      "ru": "Другие"
     }
    }
   ],
   "criteria": [
    "transparency"
   ],
   "sms": "AJ"
  },
  {
   "code": "O9",
   "type": "yes_no",
   "labels": {
    "en": "Was there campaign material in or near the polling station?",
    "ru": "Были ли агитационные материалы на участке или рядом с ним?"
   },
   "negative": [
    "yes"
   ],
   "criteria": [
    "equality",
    "political_pluralism"
   ],
   "sms": "AK"
  },
  {
   "code": "O10",
   "type": "yes_no",
   "labels": {
    "en": "Were party agents or citizen observers present?",
    "ru": "Присутствовали ли представители партий или гражданские наблюдатели?"
   },
   "negative": [
    "no"
   ],
   "criteria": [
    "political_pluralism",
    "transparency"
   ],
   "sms": "AM"
  },
  {
   "code": "O11",
   "type": "assessment",
   "labels": {
    "en": "Overall assessment of the opening",
    "ru": "Общая оценка открытия участка"
   },
   "required": true,
   "negative": [
    "bad",
    "very_bad"
   ],
   "criteria": [
    "confidence"
   ],
   "sms": "AN"
  },
  {
   "code": "OD",
   "type": "time",
   "labels": {
    "en": "Time of departure",
    "ru": "Время ухода"
   },
   "sms": "AP"
  },
  {
   "code": "OC",
   "type": "text",
   "labels": {
    "en": "Comments",
    "ru": "Комментарии"
   },
   "max": 2000
  }
 ]
})json";

// The voting checklist. Codes are short so that they can be typed in an SMS;
// the SMS tags (AA, AB, ...) are what a coded SMS carries.
constexpr const char* kVotingForm = R"json({
 "code": "V",
 "version": "2026.1",
 "phase": "voting",
 "title": {
  "en": "Voting",
  "ru": "Голосование"
 },
 "sms_prefix": "V",
 "sms_comment": "VC",
 "questions": [
  {
   "code": "VA",
   "type": "time",
   "labels": {
    "en": "Time of arrival",
    "ru": "Время прибытия"
   },
   "required": true,
   "sms": "AA"
  },
  {
   "code": "V1",
   "type": "yes_no",
   "labels": {
    "en": "Were you able to observe without restriction?",
    "ru": "Могли ли вы наблюдать без ограничений?"
   },
   "required": true,
   "negative": [
    "no"
   ],
   "criteria": [
    "transparency"
   ],
   "sms": "AB"
  },
  {
   "code": "V2",
   "type": "yes_no",
   "labels": {
    "en": "Was the polling station overcrowded?",
    "ru": "Был ли избирательный участок переполнен?"
   },
   "negative": [
    "yes"
   ],
   "criteria": [
    "universality"
   ],
   "sms": "AC"
  },
  {
   "code": "V21",
   "type": "yes_no",
   "labels": {
    "en": "Were there long queues of voters?",
    "ru": "Были ли длинные очереди избирателей?"
   },
   "negative": [
    "yes"
   ],
   "criteria": [
    "universality"
   ],
   "sms": "AD"
  },
  {
   "code": "V3",
   "type": "yes_no",
   "labels": {
    "en": "Was there campaigning inside or near the polling station?",
    "ru": "Велась ли агитация на участке или рядом с ним?"
   },
   "negative": [
    "yes"
   ],
   "criteria": [
    "equality",
    "political_pluralism"
   ],
   "sms": "AE"
  },
  {
   "code": "V4",
   "type": "yes_no",
   "labels": {
    "en": "Did the layout ensure the secrecy of the vote?",
    "ru": "Обеспечивала ли планировка тайну голосования?"
   },
   "negative": [
    "no"
   ],
   "criteria": [
    "confidence"
   ],
   "sms": "AF"
  },
  {
   "code": "V5",
   "type": "yes_no",
   "labels": {
    "en": "Did you see voters photographing their ballots?",
    "ru": "Видели ли вы, как избиратели фотографируют бюллетени?"
   },
   "negative": [
    "yes"
   ],
   "criteria": [
    "confidence"
   ],
   "sms": "AG"
  },
  {
   "code": "V6",
   "type": "yes_no_na",
   "labels": {
    "en": "Were voters' identity documents checked?",
    "ru": "Проверялись ли документы избирателей?"
   },
   "negative": [
    "no"
   ],
   "criteria": [
    "accountability"
   ],
   "sms": "AH"
  },
  {
   "code": "V7",
   "type": "integer",
   "labels": {
    "en": "How many voters were turned away?",
    "ru": "Скольким избирателям было отказано в голосовании?"
   },
   "min": 0,
   "max": 5000,
   "negative_above": 0,
   "criteria": [
    "universality"
   ],
   "sms": "AJ"
  },
  {
   "code": "V8",
   "type": "yes_no_na",
   "labels": {
    "en": "Were voters' fingers checked for ink and inked?",
    "ru": "Проверялись ли пальцы избирателей на наличие чернил?"
   },
   "negative": [
    "no"
   ],
   "criteria": [
    "accountability"
   ],
   "sms": "AK"
  },
  {
   "code": "V9",
   "type": "yes_no",
   "labels": {
    "en": "Did you see group or family voting?",
    "ru": "Видели ли вы групповое или семейное голосование?"
   },
   "negative": [
    "yes"
   ],
   "criteria": [
    "equality"
   ],
   "sms": "AM"
  },
  {
   "code": "V10",
   "type": "yes_no",
   "labels": {
    "en": "Did you see voting for others or multiple voting?",
    "ru": "Видели ли вы голосование за других или многократное голосование?"
   },
   "negative": [
    "yes"
   ],
   "criteria": [
    "equality",
    "accountability"
   ],
   "sms": "AN"
  },
  {
   "code": "V11",
   "type": "yes_no",
   "labels": {
    "en": "Were there indications of ballot stuffing?",
    "ru": "Были ли признаки вброса бюллетеней?"
   },
   "negative": [
    "yes"
   ],
   "critical": [
    "yes"
   ],
   "criteria": [
    "confidence",
    "accountability"
   ],
   "sms": "AP"
  },
  {
   "code": "V12",
   "type": "yes_no",
   "labels": {
    "en": "Were there seemingly identical signatures on the voter list?",
    "ru": "Были ли в списке избирателей одинаковые на вид подписи?"
   },
   "negative": [
    "yes"
   ],
   "criteria": [
    "accountability"
   ],
   "sms": "AQ"
  },
  {
   "code": "V13",
   "type": "yes_no",
   "labels": {
    "en": "Did you see intimidation or pressure on voters?",
    "ru": "Видели ли вы запугивание избирателей или давление на них?"
   },
   "negative": [
    "yes"
   ],
   "criteria": [
    "confidence"
   ],
   "sms": "AR"
  },
  {
   "code": "V14",
   "type": "yes_no",
   "labels": {
    "en": "Were unauthorized persons present or directing the work?",
    "ru": "Присутствовали ли посторонние лица или руководили ли они работой?"
   },
   "negative": [
    "yes"
   ],
   "criteria": [
    "transparency",
    "confidence"
   ],
   "sms": "AS"
  },
  {
   "code": "V15",
   "type": "yes_no",
   "labels": {
    "en": "Were party or candidate agents present?",
    "ru": "Присутствовали ли представители партий или кандидатов?"
   },
   "negative": [
    "no"
   ],
   "criteria": [
    "political_pluralism",
    "transparency"
   ],
   "sms": "AT"
  },
  {
   "code": "V16",
   "type": "yes_no",
   "labels": {
    "en": "Were citizen observers present?",
    "ru": "Присутствовали ли гражданские наблюдатели?"
   },
   "criteria": [
    "transparency"
   ],
   "sms": "AU"
  },
  {
   "code": "V17",
   "type": "yes_no",
   "labels": {
    "en": "Was the polling station accessible to voters with disabilities?",
    "ru": "Был ли участок доступен для избирателей с инвалидностью?"
   },
   "negative": [
    "no"
   ],
   "criteria": [
    "universality"
   ],
   "sms": "AV"
  },
  {
   "code": "V18",
   "type": "integer",
   "labels": {
    "en": "How many commission members are women?",
    "ru": "Сколько членов комиссии — женщины?"
   },
   "min": 0,
   "max": 50,
   "criteria": [
    "equality"
   ],
   "sms": "AW"
  },
  {
   "code": "V19",
   "type": "integer",
   "labels": {
    "en": "How many voters are on the mobile ballot box list?",
    "ru": "Сколько избирателей в списке для голосования вне помещения?"
   },
   "min": 0,
   "max": 5000,
   "sms": "AX"
  },
  {
   "code": "V20",
   "type": "assessment",
   "labels": {
    "en": "Overall assessment of the voting process",
    "ru": "Общая оценка процесса голосования"
   },
   "required": true,
   "negative": [
    "bad",
    "very_bad"
   ],
   "criteria": [
    "confidence"
   ],
   "sms": "AY"
  },
  {
   "code": "VD",
   "type": "time",
   "labels": {
    "en": "Time of departure",
    "ru": "Время ухода"
   },
   "sms": "AZ"
  },
  {
   "code": "VC",
   "type": "text",
   "labels": {
    "en": "Comments",
    "ru": "Комментарии"
   },
   "max": 2000
  }
 ]
})json";

// The counting checklist, with the result protocol's figures as the
// observers copy them; CountingForm adds one question per contestant.
constexpr const char* kCountingForm = R"json({
 "code": "C",
 "version": "2026.1",
 "phase": "counting",
 "title": {
  "en": "Counting",
  "ru": "Подсчёт голосов"
 },
 "sms_prefix": "C",
 "sms_comment": "CC",
 "questions": [
  {
   "code": "CA",
   "type": "time",
   "labels": {
    "en": "Time the count started",
    "ru": "Время начала подсчёта"
   },
   "required": true,
   "sms": "AA"
  },
  {
   "code": "C1",
   "type": "yes_no",
   "labels": {
    "en": "Were unauthorized persons present during the count?",
    "ru": "Присутствовали ли при подсчёте посторонние лица?"
   },
   "negative": [
    "yes"
   ],
   "criteria": [
    "transparency"
   ],
   "sms": "AB"
  },
  {
   "code": "C2",
   "type": "yes_no",
   "labels": {
    "en": "Were you able to observe all stages of the count?",
    "ru": "Могли ли вы наблюдать за всеми этапами подсчёта?"
   },
   "negative": [
    "no"
   ],
   "criteria": [
    "transparency"
   ],
   "sms": "AC"
  },
  {
   "code": "C3",
   "type": "yes_no_na",
   "labels": {
    "en": "Were unused ballots counted and cancelled before the ballot box was opened?",
    "ru": "Были ли неиспользованные бюллетени подсчитаны и погашены до вскрытия ящика?"
   },
   "negative": [
    "no"
   ],
   "criteria": [
    "accountability"
   ],
   "sms": "AD"
  },
  {
   "code": "C4",
   "type": "yes_no",
   "labels": {
    "en": "Was the validity of ballots decided consistently?",
    "ru": "Единообразно ли решался вопрос о действительности бюллетеней?"
   },
   "negative": [
    "no"
   ],
   "criteria": [
    "equality",
    "confidence"
   ],
   "sms": "AE"
  },
  {
   "code": "C5",
   "type": "yes_no",
   "labels": {
    "en": "Did the protocol figures reconcile?",
    "ru": "Сошлись ли контрольные соотношения протокола?"
   },
   "negative": [
    "no"
   ],
   "criteria": [
    "accountability"
   ],
   "sms": "AF"
  },
  {
   "code": "C6",
   "type": "yes_no",
   "labels": {
    "en": "Was the protocol filled in and signed on the spot?",
    "ru": "Был ли протокол заполнен и подписан на месте?"
   },
   "negative": [
    "no"
   ],
   "criteria": [
    "accountability"
   ],
   "sms": "AG"
  },
  {
   "code": "C7",
   "type": "yes_no",
   "labels": {
    "en": "Were observers given a copy of the protocol?",
    "ru": "Получили ли наблюдатели копию протокола?"
   },
   "negative": [
    "no"
   ],
   "criteria": [
    "transparency"
   ],
   "sms": "AH"
  },
  {
   "code": "C8",
   "type": "yes_no",
   "labels": {
    "en": "Was the protocol posted publicly?",
    "ru": "Был ли протокол вывешен для всеобщего ознакомления?"
   },
   "negative": [
    "no"
   ],
   "criteria": [
    "transparency"
   ],
   "sms": "AJ"
  },
  {
   "code": "C9",
   "type": "integer",
   "labels": {
    "en": "Number of complaints filed",
    "ru": "Число поданных жалоб"
   },
   "min": 0,
   "max": 1000,
   "negative_above": 0,
   "criteria": [
    "accountability"
   ],
   "sms": "AK"
  },
  {
   "code": "C10",
   "type": "select_multiple",
   "labels": {
    "en": "Who was present during the count?",
    "ru": "Кто присутствовал при подсчёте?"
   },
   "options": [
    {
     "value": "party_agents",
     "labels": {
      "en": "Party or candidate agents",
      "ru": "Представители партий или кандидатов"
     }
    },
    {
     "value": "citizen_observers",
     "labels": {
      "en": "Citizen observers",
      "ru": "Гражданские наблюдатели"
     }
    },
    {
     "value": "international_observers",
     "labels": {
      "en": "Other international observers",
      "ru": "Другие международные наблюдатели"
     }
    },
    {
     "value": "media",
     "labels": {
      "en": "Media",
      "ru": "Журналисты"
     }
    },
    {
     "value": "police",
     "labels": {
      "en": "Police",
      "ru": "Полиция"
     }
    },
    {
     "value": "officials",
     "labels": {
      "en": "Local officials",
      "ru": "Представители местной власти"
     }
    }
   ],
   "criteria": [
    "transparency"
   ],
   "sms": "AM"
  },
  {
   "code": "C11",
   "type": "yes_no",
   "labels": {
    "en": "Was anyone expelled or refused entry during the count?",
    "ru": "Был ли кто-либо удалён или не допущен на подсчёт?"
   },
   "negative": [
    "yes"
   ],
   "critical": [
    "yes"
   ],
   "criteria": [
    "transparency"
   ],
   "sms": "AN"
  },
  {
   "code": "C12",
   "type": "yes_no",
   "labels": {
    "en": "Were ballots sorted correctly?",
    "ru": "Правильно ли были рассортированы бюллетени?"
   },
   "negative": [
    "no"
   ],
   "criteria": [
    "accountability"
   ],
   "sms": "AP"
  },
  {
   "code": "C13",
   "type": "yes_no",
   "labels": {
    "en": "Did police or others phone the results to anyone before the protocol was signed?",
    "ru": "Сообщали ли полиция или другие лица результаты по телефону до подписания протокола?"
   },
   "negative": [
    "yes"
   ],
   "criteria": [
    "confidence"
   ],
   "sms": "AQ"
  },
  {
   "code": "CR",
   "type": "integer",
   "labels": {
    "en": "Protocol: voters on the list",
    "ru": "Протокол: число избирателей в списке"
   },
   "min": 0,
   "max": 1000000,
   "figure": "registered",
   "sms": "AR"
  },
  {
   "code": "CB",
   "type": "integer",
   "labels": {
    "en": "Protocol: ballots received",
    "ru": "Протокол: число полученных бюллетеней"
   },
   "min": 0,
   "max": 1000000,
   "figure": "ballots_received",
   "sms": "AS"
  },
  {
   "code": "CI",
   "type": "integer",
   "labels": {
    "en": "Protocol: ballots issued",
    "ru": "Протокол: число выданных бюллетеней"
   },
   "min": 0,
   "max": 1000000,
   "figure": "issued",
   "sms": "AT"
  },
  {
   "code": "CX",
   "type": "integer",
   "labels": {
    "en": "Protocol: unused ballots cancelled",
    "ru": "Протокол: число погашенных бюллетеней"
   },
   "min": 0,
   "max": 1000000,
   "figure": "cancelled",
   "sms": "AU"
  },
  {
   "code": "CL",
   "type": "integer",
   "labels": {
    "en": "Protocol: ballots lost",
    "ru": "Протокол: число утраченных бюллетеней"
   },
   "min": 0,
   "max": 1000000,
   "figure": "lost",
   "negative_above": 0,
   "criteria": [
    "accountability"
   ],
   "sms": "AV"
  },
  {
   "code": "CU",
   "type": "integer",
   "labels": {
    "en": "Protocol: unaccounted ballots found",
    "ru": "Протокол: число неучтённых бюллетеней"
   },
   "min": 0,
   "max": 1000000,
   "figure": "unaccounted",
   "negative_above": 0,
   "criteria": [
    "accountability"
   ],
   "sms": "AW"
  },
  {
   "code": "CF",
   "type": "integer",
   "labels": {
    "en": "Protocol: ballots found in the boxes",
    "ru": "Протокол: число бюллетеней в ящиках"
   },
   "min": 0,
   "max": 1000000,
   "figure": "in_boxes",
   "sms": "AX"
  },
  {
   "code": "CV",
   "type": "integer",
   "labels": {
    "en": "Protocol: valid ballots",
    "ru": "Протокол: число действительных бюллетеней"
   },
   "min": 0,
   "max": 1000000,
   "figure": "valid",
   "sms": "AY"
  },
  {
   "code": "CN",
   "type": "integer",
   "labels": {
    "en": "Protocol: invalid ballots",
    "ru": "Протокол: число недействительных бюллетеней"
   },
   "min": 0,
   "max": 1000000,
   "figure": "invalid",
   "sms": "AZ"
  },
  {
   "code": "CO",
   "type": "assessment",
   "labels": {
    "en": "Overall assessment of the count",
    "ru": "Общая оценка подсчёта"
   },
   "required": true,
   "negative": [
    "bad",
    "very_bad"
   ],
   "criteria": [
    "confidence"
   ],
   "sms": "BA"
  },
  {
   "code": "CD",
   "type": "time",
   "labels": {
    "en": "Time of departure",
    "ru": "Время ухода"
   },
   "sms": "BB"
  },
  {
   "code": "CC",
   "type": "text",
   "labels": {
    "en": "Comments",
    "ru": "Комментарии"
   },
   "max": 2000
  }
 ]
})json";

// The tabulation checklist, at the district commission that adds up the
// polling stations' protocols.
constexpr const char* kTabulationForm = R"json({
 "code": "T",
 "version": "2026.1",
 "phase": "tabulation",
 "title": {
  "en": "Tabulation",
  "ru": "Установление итогов"
 },
 "sms_prefix": "T",
 "sms_comment": "TC",
 "questions": [
  {
   "code": "TA",
   "type": "time",
   "labels": {
    "en": "Time of arrival",
    "ru": "Время прибытия"
   },
   "required": true,
   "sms": "AA"
  },
  {
   "code": "T1",
   "type": "yes_no",
   "labels": {
    "en": "Were you able to observe without restriction?",
    "ru": "Могли ли вы наблюдать без ограничений?"
   },
   "negative": [
    "no"
   ],
   "criteria": [
    "transparency"
   ],
   "required": true,
   "sms": "AB"
  },
  {
   "code": "T2",
   "type": "yes_no",
   "labels": {
    "en": "Were the conditions for tabulation adequate (space, equipment, order)?",
    "ru": "Были ли условия для установления итогов надлежащими (помещение, оборудование, порядок)?"
   },
   "negative": [
    "no"
   ],
   "criteria": [
    "accountability"
   ],
   "sms": "AC"
  },
  {
   "code": "T3",
   "type": "yes_no",
   "labels": {
    "en": "Were you able to observe the data entry?",
    "ru": "Могли ли вы наблюдать за вводом данных?"
   },
   "negative": [
    "no"
   ],
   "criteria": [
    "transparency"
   ],
   "sms": "AD"
  },
  {
   "code": "T4",
   "type": "yes_no",
   "labels": {
    "en": "Were protocols corrected without a recount?",
    "ru": "Исправлялись ли протоколы без пересчёта?"
   },
   "negative": [
    "yes"
   ],
   "criteria": [
    "accountability",
    "confidence"
   ],
   "sms": "AE"
  },
  {
   "code": "T5",
   "type": "yes_no",
   "labels": {
    "en": "Did protocols arrive incomplete or pre-signed?",
    "ru": "Поступали ли протоколы незаполненными или заранее подписанными?"
   },
   "negative": [
    "yes"
   ],
   "criteria": [
    "accountability"
   ],
   "sms": "AF"
  },
  {
   "code": "T6",
   "type": "yes_no",
   "labels": {
    "en": "Was access to the tabulation restricted?",
    "ru": "Ограничивался ли доступ к установлению итогов?"
   },
   "negative": [
    "yes"
   ],
   "criteria": [
    "transparency"
   ],
   "sms": "AG"
  },
  {
   "code": "T7",
   "type": "yes_no",
   "labels": {
    "en": "Were unauthorized persons present or directing the work?",
    "ru": "Присутствовали ли посторонние лица или руководили ли они работой?"
   },
   "negative": [
    "yes"
   ],
   "criteria": [
    "transparency",
    "confidence"
   ],
   "sms": "AH"
  },
  {
   "code": "T8",
   "type": "integer",
   "labels": {
    "en": "How many precinct protocols arrived while you were present?",
    "ru": "Сколько протоколов участковых комиссий поступило при вас?"
   },
   "min": 0,
   "max": 10000,
   "sms": "AJ"
  },
  {
   "code": "T9",
   "type": "assessment",
   "labels": {
    "en": "Overall assessment of the tabulation",
    "ru": "Общая оценка установления итогов"
   },
   "required": true,
   "negative": [
    "bad",
    "very_bad"
   ],
   "criteria": [
    "confidence"
   ],
   "sms": "AK"
  },
  {
   "code": "TD",
   "type": "time",
   "labels": {
    "en": "Time of departure",
    "ru": "Время ухода"
   },
   "sms": "AM"
  },
  {
   "code": "TC",
   "type": "text",
   "labels": {
    "en": "Comments",
    "ru": "Комментарии"
   },
   "max": 2000
  }
 ]
})json";

// One incident: what, who saw it, how serious. "critical" severity
// (violence, ballot stuffing seen, observers expelled) is what must alert the
// core team at once. Its SMS prefix is X, not I: a lone I is too easily
// typed or read as the digit 1. What happened is the "@" text of the SMS.
constexpr const char* kIncidentForm = R"json({
 "code": "I",
 "version": "2026.1",
 "phase": "incident",
 "title": {
  "en": "Incident",
  "ru": "Инцидент"
 },
 "sms_prefix": "X",
 "sms_comment": "I2",
 "questions": [
  {
   "code": "IA",
   "type": "time",
   "labels": {
    "en": "Time of the incident",
    "ru": "Время инцидента"
   },
   "required": true,
   "sms": "AA"
  },
  {
   "code": "I1",
   "type": "select_one",
   "labels": {
    "en": "Category",
    "ru": "Категория"
   },
   "options": [
    {
     "value": "violence",
     "labels": {
      "en": "Violence or threat of violence",
      "ru": "Насилие или угроза насилия"
     }
    },
    {
     "value": "intimidation",
     "labels": {
      "en": "Intimidation or pressure on voters",
      "ru": "Запугивание избирателей или давление на них"
     }
    },
    {
     "value": "ballot_stuffing",
     "labels": {
      "en": "Ballot stuffing",
      "ru": "Вброс бюллетеней"
     }
    },
    {
     "value": "multiple_voting",
     "labels": {
      "en": "Multiple voting or voting for others",
      "ru": "Многократное голосование или голосование за других"
     }
    },
    {
     "value": "vote_buying",
     "labels": {
      "en": "Vote buying",
      "ru": "Подкуп избирателей"
     }
    },
    {
     "value": "observer_obstructed",
     "labels": {
      "en": "Observers expelled or obstructed",
      "ru": "Удаление наблюдателей или препятствия их работе"
     }
    },
    {
     "value": "unauthorized_persons",
     "labels": {
      "en": "Unauthorized persons directing the process",
      "ru": "Посторонние лица руководят процессом"
     }
    },
    {
     "value": "procedure",
     "labels": {
      "en": "Serious breach of procedure",
      "ru": "Грубое нарушение процедуры"
     }
    },
    {
     "value": "other",
     "labels": {
      "en": "Other",
      "ru": "Другое"
     }
    }
   ],
   "required": true,
   "critical": [
    "violence",
    "ballot_stuffing",
    "observer_obstructed",
    "unauthorized_persons"
   ],
   "criteria": [
    "confidence"
   ],
   "sms": "AB"
  },
  {
   "code": "I2",
   "type": "text",
   "labels": {
    "en": "What happened?",
    "ru": "Что произошло?"
   },
   "required": true,
   "max": 2000
  },
  {
   "code": "I3",
   "type": "select_one",
   "labels": {
    "en": "Did you see it yourself?",
    "ru": "Вы видели это сами?"
   },
   "options": [
    {
     "value": "observed",
     "labels": {
      "en": "Observed directly",
      "ru": "Видел(а) сам(а)"
     }
    },
    {
     "value": "reported",
     "labels": {
      "en": "Reported by others",
      "ru": "Со слов других"
     }
    }
   ],
   "required": true,
   "sms": "AC"
  },
  {
   "code": "I4",
   "type": "select_one",
   "labels": {
    "en": "Severity",
    "ru": "Серьёзность"
   },
   "options": [
    {
     "value": "minor",
     "labels": {
      "en": "Minor",
      "ru": "Незначительный"
     }
    },
    {
     "value": "serious",
     "labels": {
      "en": "Serious",
      "ru": "Серьёзный"
     }
    },
    {
     "value": "critical",
     "labels": {
      "en": "Critical: alert the core team now",
      "ru": "Критический: срочно сообщить в штаб"
     }
    }
   ],
   "required": true,
   "negative": [
    "serious",
    "critical"
   ],
   "critical": [
    "critical"
   ],
   "criteria": [
    "confidence"
   ],
   "sms": "AD"
  },
  {
   "code": "I5",
   "type": "yes_no",
   "labels": {
    "en": "Did the commission take action?",
    "ru": "Приняла ли комиссия меры?"
   },
   "negative": [
    "no"
   ],
   "criteria": [
    "accountability"
   ],
   "sms": "AE"
  },
  {
   "code": "I6",
   "type": "yes_no",
   "labels": {
    "en": "Was a complaint filed?",
    "ru": "Была ли подана жалоба?"
   },
   "negative": [
    "no"
   ],
   "criteria": [
    "accountability"
   ],
   "sms": "AF"
  }
 ]
})json";

// The next free tag "PA", "PB", ... then "PAA", ...: the contestants' votes.
std::string NextSmsTag(char first, std::set<std::string>& taken) {
  static constexpr std::string_view kLetters = "ABCDEFGHJKMNPQRSTUVWXYZ";
  for (char a : kLetters) {
    std::string tag{first, a};
    if (taken.insert(tag).second) return tag;
  }
  for (char a : kLetters) {
    for (char b : kLetters) {
      std::string tag{first, a, b};
      if (taken.insert(tag).second) return tag;
    }
  }
  return {};  // over 500 contestants: their votes are not sent by SMS
}

Form Load(const char* definition) {
  auto form = FormFromJson(boost::json::parse(definition));
  // A shipped definition that does not load is a bug caught by the tests.
  return std::move(form).value();
}

}  // namespace

Form CountingForm(const std::vector<std::string>& contestants) {
  Form form = Load(kCountingForm);
  // The votes go between the protocol figures and the overall assessment,
  // in ballot order, as on the protocol.
  auto at = std::find_if(form.questions.begin(), form.questions.end(),
                         [](const Question& q) { return q.code == "CO"; });
  std::vector<Question> votes;
  std::set<std::string> tags;
  for (const Question& q : form.questions) tags.insert(q.sms);
  for (std::size_t i = 0; i < contestants.size(); ++i) {
    Question q;
    q.code = "P" + std::to_string(i + 1);
    q.type = QuestionType::kInteger;
    q.labels = {{"en", "Protocol: votes for " + contestants[i]},
                {"ru", "Протокол: голоса за " + contestants[i]}};
    q.min = 0;
    q.max = 1000000;
    q.figure = "votes";
    q.contestant = contestants[i];
    q.sms = NextSmsTag('P', tags);
    votes.push_back(std::move(q));
  }
  form.questions.insert(at, votes.begin(), votes.end());
  return form;
}

std::vector<Form> DefaultForms(const std::vector<std::string>& contestants) {
  return {Load(kVotingForm), CountingForm(contestants), Load(kOpeningForm), Load(kTabulationForm),
          Load(kIncidentForm)};
}

}  // namespace vigil::core

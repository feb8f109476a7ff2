#include "core/default_forms.h"

#include <boost/json.hpp>

namespace vigil::core {

namespace {

// The voting checklist. Codes are short so that they can be typed in an SMS.
constexpr const char* kVotingForm = R"json({
 "code": "V",
 "version": "2026.1",
 "phase": "voting",
 "title": {
  "en": "Voting",
  "ru": "Голосование"
 },
 "questions": [
  {
   "code": "VA",
   "type": "time",
   "labels": {
    "en": "Time of arrival",
    "ru": "Время прибытия"
   },
   "required": true
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
   ]
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
   ]
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
   ]
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
   ]
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
   ]
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
   ]
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
   ]
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
   ]
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
   ]
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
   ]
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
   "criteria": [
    "confidence",
    "accountability"
   ]
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
   ]
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
   ]
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
   ]
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
   ]
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
   ]
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
   ]
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
   ]
  },
  {
   "code": "V19",
   "type": "integer",
   "labels": {
    "en": "How many voters are on the mobile ballot box list?",
    "ru": "Сколько избирателей в списке для голосования вне помещения?"
   },
   "min": 0,
   "max": 5000
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
   ]
  },
  {
   "code": "VD",
   "type": "time",
   "labels": {
    "en": "Time of departure",
    "ru": "Время ухода"
   }
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

Form Load(const char* definition) {
  auto form = FormFromJson(boost::json::parse(definition));
  // A shipped definition that does not load is a bug caught by the tests.
  return std::move(form).value();
}

}  // namespace

std::vector<Form> DefaultForms() { return {Load(kVotingForm)}; }

}  // namespace vigil::core

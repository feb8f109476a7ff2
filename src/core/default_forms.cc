#include "core/default_forms.h"

#include <algorithm>
#include <boost/json.hpp>
#include <string>

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
 "questions": [
  {
   "code": "CA",
   "type": "time",
   "labels": {
    "en": "Time the count started",
    "ru": "Время начала подсчёта"
   },
   "required": true
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
   ]
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
   ]
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
   ]
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
   ]
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
   ]
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
   ]
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
   ]
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
   ]
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
   ]
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
   "figure": "registered"
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
   "figure": "ballots_received"
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
   "figure": "issued"
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
   "figure": "cancelled"
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
   "figure": "in_boxes"
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
   "figure": "valid"
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
   "figure": "invalid"
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
   ]
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
    votes.push_back(std::move(q));
  }
  form.questions.insert(at, votes.begin(), votes.end());
  return form;
}

std::vector<Form> DefaultForms(const std::vector<std::string>& contestants) {
  return {Load(kVotingForm), CountingForm(contestants)};
}

}  // namespace vigil::core

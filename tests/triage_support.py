"""A tiny triage model trained on a few dozen hand-written narratives, for tests that need
predictable suggestions without depending on the shipped model (which is retrained as the
engine changes). Trained once per process and saved to a file so that the app under test
(in this process or a ``streamlit run`` subprocess) loads it through the normal path."""

from __future__ import annotations

import tempfile
from functools import lru_cache
from pathlib import Path

CONVENTION = [
    "I was a member of the opposition party and the police arrested me because of my "
    "political opinion. They tortured me in detention.",
    "Soldiers beat me because I belong to the Tamil ethnic minority and accused me of "
    "supporting the rebels. I was detained and tortured.",
    "I converted to Christianity and the religious police arrested me. They beat me because "
    "of my religion and threatened to kill me.",
    "The government arrested me after I spoke at a political rally against the president. "
    "Police officers tortured me in prison.",
    "I am a journalist. The security forces detained me because I wrote articles criticising "
    "the ruling party and they tortured me.",
    "Because I am gay the police arrested me and beat me in custody. My family threatened "
    "to kill me because of my sexual orientation.",
    "The militia targeted my family because we are from a minority ethnic group. They burned "
    "our house and killed my father because of our ethnicity.",
]
CONFLICT = [
    "There is armed conflict in my region. Shelling destroyed our village and many civilians "
    "were killed by bombs and fighting.",
    "Armed groups fight each other in my province. Airstrikes hit our town and I fled the war.",
    "The war between the army and the rebels reached our city. Bombs fell on the market and "
    "my neighbours died in the fighting.",
    "Fighting between armed groups made our area unsafe. Shells hit our home during the civil "
    "war and we fled.",
    "Heavy fighting and airstrikes destroyed our district. Civilians are killed every day in "
    "the armed conflict.",
    "The civil war continues in my country. Militias and the army fight in our town and "
    "bombs killed my cousins.",
]
DEBT = [
    "I borrowed money from a neighbour and could not repay the debt. He threatened me and "
    "wants his money back.",
    "I owe money to a money lender. I could not repay the loan and he threatened me to pay "
    "the debt.",
    "My uncle and I have a land dispute over my father's inheritance. He wants the property "
    "and threatened me.",
    "I took a loan to pay the broker and cannot repay the debt. The lender threatens my "
    "family for the money.",
    "My brothers fight with me over the family land and the inheritance. They want the house "
    "for themselves.",
    "I borrowed money for my business, the business failed and I cannot repay the debt to "
    "the creditors.",
]
WORK = [
    "I came to Japan to work and earn money for my family. There are no jobs in my country.",
    "My family is poor and I want to work in Japan to send money home. Life is hard there.",
    "I want to continue working in Japan because wages are higher. I cannot find work at home.",
    "There is no work in my village and my family needs money. I came to Japan to earn money.",
    "I lost my job and my family is poor. I want to work here to support my children.",
    "Economic hardship made me leave. I want to keep my job in Japan and earn money.",
]
PRIVATE = [
    "I had a quarrel with my neighbour about his goats. He and his friends threatened me.",
    "A local man is angry because I refused to marry his daughter. His relatives threatened me.",
    "I fought with a man in my village over a personal matter and his family wants revenge.",
    "My former business partner and I had a personal dispute and he threatened to hurt me.",
    "There was a fight at a wedding and the other man's family wants revenge against me.",
    "I argued with a neighbour over a private matter and his sons threatened me in the street.",
]
INSECURITY = [
    "There is a lot of crime in my city. Robbers attacked me once but the police can help.",
    "Gangs commit crimes everywhere in my town and the streets are not safe at night.",
    "Criminals robbed my shop. Crime is common in my country and anyone can be robbed.",
    "My city is dangerous because of criminals and thieves. Many people are robbed.",
    "Street crime is high in the capital. Thieves stole my phone and my bag.",
    "Criminal gangs rob people in my area and general insecurity is high.",
]

TRAINING = {
    "convention": CONVENTION, "conflict": CONFLICT, "b_debt_property": DEBT,
    "b_hardship_work": WORK, "b_private_trouble": PRIVATE, "b_general_insecurity": INSECURITY,
}

#: Narratives the tiny model sorts as B (debt) and as a Convention claim.
DEBT_NARRATIVE = ("I borrowed money from a neighbour and could not repay the debt. The money "
                  "lender threatened me and wants his money back.")
POLITICAL_NARRATIVE = ("I was a member of the opposition party. The police arrested me because "
                       "of my political opinion and tortured me in detention.")


def train_tiny_model():  # noqa: ANN201
    from triage import nlp
    from triage.model import fit

    texts, labels = [], []
    for label, items in TRAINING.items():
        texts.extend(items)
        labels.extend([label] * len(items))
    model = fit(list(nlp.analyse_many(texts)), labels)
    model.version = "tiny-test-model"
    return model


@lru_cache(maxsize=1)
def tiny_model_path() -> Path:
    """The tiny model saved once per process (a file, loaded like the shipped one)."""
    from triage.model import save

    path = Path(tempfile.mkdtemp(prefix="wb-triage-model-")) / "tiny.skops"
    save(train_tiny_model(), path)
    return path

"""Name normalisation on its own: do spelling variants of one name meet, and do different names
stay apart? Arabic and Eritrean/Ethiopian names in Latin spellings and in the original script,
and the name lists of the synthetic region (`schakel.engine.synth.names`).

For every pair of spellings of one name (variants) and every pair of different names within a
population, the names are normalised and Bloom-encoded as given names, and the Dice coefficient
of the filters is counted in bands. Variants should be identical or close; different names must
not become identical (an over-merge fabricates a return) and should rarely be close.

    .venv/bin/python benchmarks/linkage_names.py [--show 0.7]

The spellings below are common transliterations written down for this benchmark (single names,
not persons).
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from schakel.engine.linkage import normalise
from schakel.engine.linkage.bloom import BloomEncoder, popcounts
from schakel.engine.linkage.keys import LinkageKey
from schakel.engine.synth.names import NAMES

OTHER_SCRIPT = re.compile(r"[\u0600-\u06ff\u1200-\u139f]")
BENCHMARK_KEY = LinkageKey(b"schakel benchmark key: public, for reproducible runs only")

# One line per name: its spellings, separated by commas.
ARABIC = """
محمد, Mohammed, Muhammad, Mohamed, Mohammad, Mohamad, Muhammed, Mahamat, Mouhamed, Mohamet
أحمد, Ahmed, Ahmad, Achmed, Ahmet, Ahmat
محمود, Mahmoud, Mahmud, Mahmood, Mohamud, Mahmut
علي, Ali, Aly, Alie
عمر, Omar, Umar, Omer, Oumar
عثمان, Osman, Othman, Uthman, Usman, Ousmane
يوسف, Youssef, Yusuf, Yousef, Yusef, Youssouf, Yousif, Joesoef
إبراهيم, Ibrahim, Ebrahim, Brahim, Ibraheem
إسماعيل, Ismail, Ismael, Smail, Esmail, Ismaïl
مصطفى, Mustafa, Moustafa, Mostafa, Mustapha, Moustapha, Moestafa
حسن, Hassan, Hasan, Hassane
حسين, Hussein, Hussain, Hosein, Husain, Houssein, Hossein
خالد, Khalid, Khaled, Chalid, Khaleed
رشيد, Rachid, Rashid, Rasheed, Rasjid
هشام, Hicham, Hisham, Hesham
سعيد, Said, Saeed, Saïd, Saied
عبد الله, Abdullah, Abdallah, Abdellah, Abd Allah, Abdulla
عبد القادر, Abdelkader, Abdulkadir, Abd al-Qadir, Abdul Kader, Abdelkadir, Abdulqadir
عبد الرحمن, Abdurrahman, Abderrahmane, Abdul Rahman, Abdelrahman, Abdirahman, Abd al-Rahman
عبد العزيز, Abdelaziz, Abdulaziz, Abd al-Aziz, Abdul Aziz
فاطمة, Fatima, Fatma, Fatimah, Fatouma, Fatuma
عائشة, Aisha, Aicha, Aysha, Ayesha, Aischa
خديجة, Khadija, Khadidja, Khadijah, Chadija, Khadiga
مريم, Mariam, Maryam, Meryem, Miriam
زينب, Zainab, Zeinab, Zineb, Zaynab
أمينة, Amina, Aminah, Amineh
ياسين, Yassine, Yasin, Yassin, Yacine
يونس, Younes, Younis, Yunus, Younous
سليمان, Suleiman, Sulaiman, Soliman, Sulayman, Sleiman
نور الدين, Noureddine, Nuruddin, Nour Eddine, Nourdine, Nur ad-Din
العمراني, El Amrani, Al-Amrani, Elamrani
الإدريسي, El Idrissi, Al-Idrisi, Idrissi
حداد, Haddad, Hadad
منصوري, Mansouri, Mansuri
الخطيب, El Khatib, Al-Khatib, Khateeb
جعفر, Jaafar, Jafar, Djaafar, Ja'far
حمزة, Hamza, Hamzah, Hamsa
قاسم, Qasim, Kassem, Kasim, Gasim, Qassim
طارق, Tariq, Tarek, Tarik
جمال, Jamal, Djamal, Gamal
ناصر, Nasser, Nasir, Naser
كريم, Karim, Kareem
سلمى, Salma, Selma
ليلى, Layla, Leila, Laila
ياسمين, Yasmine, Yasmin, Yasmina
حليمة, Halima, Halimah
هدى, Houda, Huda, Hoda
جميلة, Jamila, Djamila, Jameela
حامد, Hamed, Hamid
أشرف, Ashraf, Achraf
الشريف, Al-Sharif, Ech-Cherif, Chérif, Sharif
"""

ETHIOPIC = """
ተስፋይ, Tesfay, Tesfai, Tesfaye
ገብረመድህን, Gebremedhin, Ghebremedhin, Gebre Medhin, Gebremedhn, Gabremedhin
ገብረየሱስ, Ghebreyesus, Gebreyesus, Gebre-Yesus
ገብረስላሴ, Gebreselassie, Gebre Selassie, Ghebreselassie, Gebresilasie
ሃይለ, Haile, Hailé, Hayle
ሃይለማርያም, Hailemariam, Haile Mariam, Hailemaryam
ወልደማርያም, Woldemariam, Weldemariam, Wolde Mariam, Woldemaryam
ተስፋማርያም, Tesfamariam, Tesfamaryam, Tesfa Mariam
ዮሃንስ, Yohannes, Yohanes, Johannes
ሰናይት, Senait, Senayt, Sennait
ጸጋይ, Tsegay, Tsegai, Tsegaye, Tzegay
ዮርዳኖስ, Yordanos, Jordanos
ራሄል, Rahel, Rahiel
ሕይወት, Hiwet, Hiywet, Heywet
ሰምሃር, Semhar, Semharr
ሉዋም, Luwam, Luam
ዊንታ, Winta, Vinta
ትርሓስ, Tirhas, Terhas, Tirhass
ምሕረት, Mihret, Mehret
ብንያም, Biniam, Biniyam, Binyam
ክብሮም, Kibrom, Kebrom, Kbrom
መሓሪ, Mehari, Mahari, Mehary
በርሀ, Berhe, Berhie
ብርሃነ, Berhane, Birhane, Brhane
ኪዳነ, Kidane, Kidanè
ሃብተ, Habte, Habtè
ተኽለ, Tekle, Teklé, Tekhle
ግርማይ, Ghirmay, Girmay, Germay, Ghirmai
ዘርእዝጊ, Zerezghi, Zerezgi, Zeraezghi
መብራህቱ, Mebrahtu, Mebrahatu
የማነ, Yemane, Yemaneh
ኣብርሃ, Abraha, Abreha
ሓጎስ, Hagos, Haghos
ካሕሳይ, Kahsay, Kahsai, Kahsaye
ኣስመሮም, Asmerom, Asmeron
ወልዱ, Weldu, Woldu
ኣማኑኤል, Amanuel, Emanuel, Amanual
ዳዊት, Dawit, Davit
ሄኖክ, Henok, Henock
ናትናኤል, Natnael, Nathnael, Natanael
ሙሴ, Mussie, Musie
ኤፍሬም, Efrem, Ephrem
ጎይቶም, Goitom, Goytom
ሮቤል, Robel, Robiel
ሚካኤል, Mikael, Mikiel
ፍልሞን, Filmon, Philmon, Filemon
ሃብቶም, Habtom, Habtome
መርሃዊት, Merhawit, Merhawet
ሲምረት, Simret, Simeret
ኣስቴር, Aster, Astier
ሰላም, Selam, Selamawit
"""

# Written after the rules and the variant table, and not used to tune them: how the rules do
# on names they were not written for.
ARABIC_HELD_OUT = """
بلال, Bilal, Belal, Bilaal
نبيل, Nabil, Nabeel, Nabiel
وليد, Walid, Waleed, Oualid, Walied
سمير, Samir, Sameer, Samier
عادل, Adel, Adil, Aadil
أنور, Anwar, Anouar, Anuar
مراد, Mourad, Murad, Moerad
إدريس, Idris, Driss, Idriss, Edris
سفيان, Soufiane, Sufyan, Sofiane, Soufyan
رشيدة, Rachida, Rashida, Rasheeda
نعيمة, Naima, Naeema, Naïma, Nayma
لطيفة, Latifa, Lateefa, Latefa
حسام, Houssam, Hussam, Hosam
أسامة, Oussama, Usama, Osama, Ousama
سميرة, Samira, Sameera, Samiera
نادية, Nadia, Nadya, Nadja
صالح, Saleh, Salih
عبد الحكيم, Abdelhakim, Abdul Hakim, Abdulhakim, Abd al-Hakim
كمال, Kamal, Kamel
منير, Mounir, Munir, Moenir
بشرى, Bouchra, Bushra, Boeshra
سكينة, Soukaina, Sukaina, Sakina, Sokaina
إكرام, Ikram, Ikraam
هاجر, Hajar, Hagar, Hadjar
زكريا, Zakaria, Zakariya, Zakariyya, Zacharia
أيوب, Ayoub, Ayub, Ajoub, Ayyub
مهدي, Mehdi, Mahdi
بدر, Badr, Bader, Badre
شيماء, Chaimae, Shaima, Shaymaa, Chaima
سلوى, Salwa, Selwa
وفاء, Wafaa, Wafa
إلياس, Ilias, Ilyas, Iliass
حبيب, Habib, Habeeb
"""

ETHIOPIC_HELD_OUT = """
ሰመረ, Semere, Semre
ኣወት, Awet, Awot
ሩታ, Ruta, Rutta
ኣዳነ, Adane, Addane
ዘሚካኤል, Zemichael, Zemikael, Zemicael
ተወልደ, Tewelde, Tewolde, Teweldé
ጊደና, Gidena, Ghidena
ኣሰፋው, Asefaw, Asfaw, Assefaw
ወልደገብርኤል, Weldegebriel, Woldegebriel, Welde Gebriel
ኃይሉ, Hailu, Haylu
ደስታ, Desta, Dessta
ሰገን, Segen, Seghen
ፅዮን, Tsion, Tsiyon, Zion
ኣርኣያ, Araya, Araia, Arraya
ገረዝጊሄር, Gerezgiher, Gerezghiher, Ghereziher
ኪዳን, Kidan, Kiddan
ሳምራዊት, Samrawit, Samrawet
ኣብረሃም, Abraham, Abrham, Abreham
ያሬድ, Yared, Jared
ኢሳያስ, Isaias, Isayas, Esayas
ርእሶም, Risom, Resom, Reesom
ተመስገን, Temesgen, Temesghen
ፍረወይኒ, Freweyni, Frewini, Fraweini
"""


def groups(text: str) -> list[list[str]]:
    return [[part.strip() for part in line.split(",")] for line in text.strip().splitlines()]


Tokeniser = Callable[[object], list[str]]


@dataclass
class Bands:
    """Pairs by Dice band of their given-name filters."""

    what: str
    pairs: int = 0
    identical: int = 0
    above_85: int = 0
    above_70: int = 0
    above_50: int = 0
    dice_sum: float = 0.0

    def add(self, dice: np.ndarray, identical: np.ndarray) -> None:
        self.pairs += len(dice)
        self.identical += int(identical.sum())
        self.above_85 += int((dice >= 0.85).sum())
        self.above_70 += int((dice >= 0.7).sum())
        self.above_50 += int((dice >= 0.5).sum())
        self.dice_sum += float(dice.sum())

    def row(self) -> str:
        n = max(self.pairs, 1)
        return (
            f"{self.what:<44} {self.pairs:>7,} {self.identical / n:9.3f} {self.above_85 / n:7.3f} "
            f"{self.above_70 / n:7.3f} {self.above_50 / n:7.3f} {self.dice_sum / n:7.3f}"
        )


def encode(names: Sequence[str], tokens: Tokeniser) -> tuple[np.ndarray, list[tuple[str, ...]]]:
    normalised = [tuple(tokens(name)) for name in names]
    filters, _ = BloomEncoder(BENCHMARK_KEY, "name").encode(normalised)
    return filters, normalised


def dice(filters: np.ndarray, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    common = popcounts(filters[left] & filters[right])
    total = popcounts(filters[left]) + popcounts(filters[right])
    return 2.0 * common / np.maximum(total, 1)


def measure(
    name_groups: list[list[str]], tokens: Tokeniser, label: str, show: float | None = None
) -> tuple[Bands, Bands]:
    """Variant pairs (within a group) and different-name pairs (across groups)."""
    names = [name for group in name_groups for name in group]
    owner = np.repeat(np.arange(len(name_groups)), [len(g) for g in name_groups])
    filters, normalised = encode(names, tokens)
    left, right = np.triu_indices(len(names), k=1)
    scores = dice(filters, left, right)
    identical = np.array(
        [
            bool(normalised[i]) and normalised[i] == normalised[j]
            for i, j in zip(left, right, strict=True)
        ]
    )
    same = owner[left] == owner[right]
    variants, different = Bands(f"{label}: variants"), Bands(f"{label}: different names")
    variants.add(scores[same], identical[same])
    different.add(scores[~same], identical[~same])
    if show is not None:
        for i, j, score, alike in zip(left, right, scores, same, strict=True):
            if (alike and score < show) or (not alike and score >= show):
                kind = "variant below" if alike else "different above"
                print(f"  {kind} {show}: {names[i]!r} {normalised[i]} ~ {names[j]!r} "
                      f"{normalised[j]}: {score:.2f}")  # fmt: skip
    return variants, different


def synthetic_pools() -> dict[str, list[list[str]]]:
    """Each name of the synthetic region's lists as its own group (they are all different)."""
    out = {}
    for nationality, lists in NAMES.items():
        names = sorted({*lists.female, *lists.male, *lists.family})
        out[nationality] = [[name] for name in names]
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--show", type=float, default=None, help="list pairs on the wrong side")
    parser.add_argument("--smoke", action="store_true", help="the same run: it takes seconds")
    args = parser.parse_args()
    tokens: Tokeniser = normalise.given_name_tokens
    rows: list[Bands] = []
    populations = (
        ("Arabic", ARABIC),
        ("Arabic, held out", ARABIC_HELD_OUT),
        ("Tigrinya/Amharic", ETHIOPIC),
        ("Tigrinya/Amharic, held out", ETHIOPIC_HELD_OUT),
    )
    for label, text in populations:
        rows += measure(groups(text), tokens, label, args.show)
        latin = [
            [name for name in group if not OTHER_SCRIPT.search(name)] for group in groups(text)
        ]
        rows += measure(latin, tokens, f"{label}, Latin only")
    pools = Bands("synthetic region lists: different names")
    for nationality, pool in synthetic_pools().items():
        _, different = measure(pool, tokens, nationality, args.show)
        pools.pairs += different.pairs
        pools.identical += different.identical
        pools.above_85 += different.above_85
        pools.above_70 += different.above_70
        pools.above_50 += different.above_50
        pools.dice_sum += different.dice_sum
    rows.append(pools)
    print(
        f"\n{'pairs':<44} {'count':>7} {'identical':>9} {'>=0.85':>7} {'>=0.7':>7} "
        f"{'>=0.5':>7} {'mean':>7}"
    )
    for row in rows:
        print(row.row())


if __name__ == "__main__":
    main()

"""Spellings of one name that the general rules in `normalise` do not bring together.

One line per name: the spellings, separated by commas; every spelling becomes the first one's
normalised form. Latin spellings of several transliteration systems (English, French, Dutch,
German, Italian for Eritrea, Sudanese and Chadian usage) and the spelling in the original script.
Only names whose spellings differ in vowels or in letters that other names need kept apart
belong here; each line is one name, never two related names (Mahmud is not Muhammad, Hasan is
not Husayn, Hamid is not Ahmad): merging different names fabricates returns.

Spellings in the original script are looked up as whole words before transliteration, so they
never meet a Latin spelling by accident: عمر is ʿUmar, although its consonants read as "Amr",
a name of its own (عمرو).

Used for given and family names: in Arab, Eritrean, Ethiopian and Somali naming the family name
is often the father's or grandfather's given name.
"""

from __future__ import annotations

NAME_VARIANT_SPELLINGS = """
Muhamad, Mohammed, Mohamed, Mohammad, Mohamad, Muhammed, Muhamed, Mouhamed, Mahamat, Mahamed,
    Mohamet, Muhamet, Mehmet, Mehmed, Mohd, Muhd, Mahomed, محمد
Mahmud, Mahmoud, Mahmood, Mohamud, Mahmut, Mehmood, محمود
Ahmed, Ahmad, Achmed, Ahmet, Ahmat, Akhmed, أحمد, احمد
Umar, Omar, Omer, Oumar, Umer, عمر
Usman, Osman, Othman, Uthman, Ousmane, Osmane, عثمان
Yusuf, Youssef, Yousef, Yusef, Youssouf, Yousif, Yusif, Joesoef, Jusuf, Yussuf, يوسف
Ibrahim, Ebrahim, Brahim, Ibraheem, Ibrahem, إبراهيم, ابراهيم
Ismail, Ismael, Smail, Esmail, Ismahil, إسماعيل, اسماعيل
Mustafa, Moustafa, Mostafa, Mustapha, Moustapha, Mostefa, Moestafa, مصطفى
Husein, Hussein, Hussain, Hosein, Husain, Houssein, Hossein, Husayn, Hussien, حسين
Hasan, Hassan, Hassane, حسن
Khalid, Khaled, Chalid, Khaleed, Khalied, خالد
Rashid, Rachid, Rasheed, Rasjid, رشيد
Hisham, Hicham, Hesham, Hisjam, هشام
Said, Saeed, Saïd, سعيد
Fatima, Fatma, Fatimah, Fatouma, Fatuma, Fatema, Fatemeh, فاطمة, فاطمه
Aisha, Aicha, Aysha, Ayesha, Aischa, Aisja, عائشة, عايشة
Khadija, Khadidja, Khadijah, Chadija, Khadiga, Khadidjah, خديجة
Maryam, Mariam, Meryem, Mariem, Meriem, مريم
Zainab, Zeinab, Zineb, Zaynab, Zaineb, زينب
Amina, Aminah, Amineh, أمينة, امينة
Yasin, Yassine, Yassin, Yacine, Yaseen, ياسين
Yunus, Younes, Younis, Younous, Yunes, Younesse, يونس
Sulaiman, Suleiman, Soliman, Sulayman, Sleiman, Suleyman, Souleymane, Sulejman, سليمان
Jafar, Jaafar, Djaafar, Djafar, Jaffar, جعفر
Hamza, Hamzah, Hamsa, Hamzeh, حمزة
Qasim, Kassem, Kasim, Gasim, Qassim, Kacem, Qasem, قاسم
Tariq, Tarek, Tarik, Tareq, طارق
Jamal, Djamal, Gamal, Djamel, Jamel, جمال
Nasser, Nasir, Naser, Nacer, ناصر
Ashraf, Achraf, أشرف
Sharif, Cherif, Chérif, Shareef, شريف
Mehari, Mahari, Mehary, መሓሪ
Weldu, Woldu, Weldou, ወልዱ
Aleksandr, Oleksandr, Aleksander, Oleksander, Aleksandar
Aleksei, Oleksii, Aleksii, Alekse
Evgeni, Evgen, Evhen, Evheni
Sergei, Serhii, Sergii
Olga, Olha
Ana, Hana, Gana
Mihail, Mikail, Mihailo, Mihal
"""

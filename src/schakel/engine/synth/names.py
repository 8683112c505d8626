"""Name lists per nationality, written for this generator.

The lists hold common given and family names, written out by hand; persons get random
combinations, so no record describes a real person. Spelling variants are the ones that trouble
record linkage in practice: transliteration, diacritics, and family-name-first order.
"""

from __future__ import annotations

from dataclasses import dataclass


def _split(text: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in text.split(",") if part.strip())


@dataclass(frozen=True)
class NameList:
    """Names and conventions of one nationality (ISO 3166 alpha-2)."""

    female: tuple[str, ...]
    male: tuple[str, ...]
    family: tuple[str, ...]
    places: tuple[str, ...]
    calling_code: str
    eu: bool = False
    family_first: bool = False
    spelling_variants: tuple[tuple[str, str], ...] = ()


NAMES: dict[str, NameList] = {
    "NL": NameList(
        female=_split("""Anna, Emma, Julia, Sanne, Lotte, Fleur, Lisa, Sophie, Eva, Iris, Femke,
            Noor, Lieke, Esther, Marieke, Anouk, Romy, Britt, Demi, Kim, Naomi, Tessa, Jasmijn,
            Floor, Merel, Nina, Ilse, Roos, Maud, Yara"""),
        male=_split("""Daan, Sem, Lucas, Thijs, Jesse, Bram, Ruben, Tim, Niels, Joost, Sander,
            Jeroen, Stijn, Lars, Milan, Luuk, Thomas, Koen, Wouter, Bas, Pieter, Gijs, Jelle,
            Mats, Rick, Kevin, Dylan, Tygo, Finn, Levi"""),
        family=_split("""de Vries, Jansen, van den Berg, Bakker, Visser, Smit, Meijer, de Boer,
            Mulder, de Groot, Bos, Vos, Peters, Hendriks, van Leeuwen, Dekker, Brouwer, de Wit,
            Dijkstra, Smits, de Graaf, van der Meer, Kok, Jacobs, de Haan, Vermeulen, van Dijk,
            Schouten, Willems, Hoekstra, Koster, Prins, Huisman, Postma, Kuipers, van Beek"""),
        places=_split("""Amsterdam, Rotterdam, Den Haag, Utrecht, Eindhoven, Groningen, Tilburg,
            Almere, Breda, Nijmegen, Zwolle, Leeuwarden, Arnhem, Enschede, Apeldoorn, Haarlem,
            Maastricht, Heerlen, Dordrecht, Leiden"""),
        calling_code="31",
        eu=True,
        spelling_variants=(("ij", "y"), ("van der ", "v.d. "), ("de ", "De "), ("ee", "e")),
    ),
    "PL": NameList(
        female=_split("""Anna, Katarzyna, Małgorzata, Agnieszka, Barbara, Ewa, Magdalena,
            Joanna, Aleksandra, Monika, Zofia, Natalia, Karolina, Justyna, Paulina, Dorota,
            Beata, Marta, Weronika, Agata, Jolanta, Renata, Iwona, Urszula, Wiktoria"""),
        male=_split("""Piotr, Krzysztof, Tomasz, Paweł, Michał, Marcin, Grzegorz, Łukasz, Adam,
            Marek, Jakub, Mateusz, Dariusz, Wojciech, Sławomir, Zbigniew, Rafał, Kamil, Bartosz,
            Przemysław, Jerzy, Andrzej, Szymon, Damian, Sebastian"""),
        family=_split("""Nowak, Kowalski, Wiśniewski, Wójcik, Kowalczyk, Kamiński, Lewandowski,
            Zieliński, Szymański, Woźniak, Dąbrowski, Kozłowski, Jankowski, Mazur, Kwiatkowski,
            Krawczyk, Piotrowski, Grabowski, Nowakowski, Pawłowski, Michalski, Wróbel, Zając,
            Król, Wieczorek, Jabłoński, Majewski, Olszewski, Stępień, Malinowski"""),
        places=_split("""Warszawa, Kraków, Łódź, Wrocław, Poznań, Gdańsk, Szczecin, Lublin,
            Białystok, Rzeszów, Opole, Kielce"""),
        calling_code="48",
        eu=True,
        spelling_variants=(("sz", "sh"), ("cz", "ch"), ("w", "v"), ("rz", "zh"), ("j", "y")),
    ),
    "RO": NameList(
        female=_split("""Maria, Elena, Ioana, Andreea, Alexandra, Mihaela, Cristina, Gabriela,
            Ana, Daniela, Florentina, Georgiana, Roxana, Simona, Raluca, Alina, Larisa, Bianca,
            Denisa, Nicoleta, Loredana, Ramona, Camelia, Adriana"""),
        male=_split("""Ion, Gheorghe, Vasile, Constantin, Mihai, Andrei, Alexandru, Florin,
            Marian, Ionuț, Cristian, Adrian, Nicolae, Daniel, Gabriel, Ștefan, Cătălin, Bogdan,
            Sorin, Dumitru, Costel, Viorel, Marius, Răzvan"""),
        family=_split("""Popescu, Ionescu, Popa, Pop, Radu, Dumitru, Stoica, Stan, Gheorghe,
            Munteanu, Constantin, Dinu, Ștefan, Matei, Ciobanu, Rusu, Lungu, Marin, Tudor,
            Moldovan, Florea, Barbu, Nistor, Dobre, Ene, Cojocaru, Toma, Sârbu, Oprea, Zamfir"""),
        places=_split("""București, Constanța, Iași, Cluj-Napoca, Timișoara, Craiova, Galați,
            Brăila, Bacău, Pitești, Suceava, Botoșani"""),
        calling_code="40",
        eu=True,
        spelling_variants=(("escu", "esco"), ("Gh", "G"), ("ea", "ia"), ("iu", "ju")),
    ),
    "BG": NameList(
        female=_split("""Maria, Ivanka, Elena, Yordanka, Desislava, Radka, Petya, Tsvetelina,
            Gergana, Silviya, Mariya, Vesela, Nadezhda, Daniela, Stefka, Snezhana, Galina,
            Teodora, Kremena, Milena, Yoana, Rumyana, Veselina, Dimitrina"""),
        male=_split("""Georgi, Ivan, Dimitar, Nikolay, Petar, Hristo, Stoyan, Todor, Angel,
            Vasil, Krasimir, Plamen, Atanas, Yordan, Kiril, Stefan, Lyubomir, Tsvetan, Boyan,
            Emil, Valentin, Rumen, Asen, Iliya"""),
        family=_split("""Ivanov, Georgiev, Dimitrov, Petrov, Nikolov, Hristov, Stoyanov, Todorov,
            Iliev, Vasilev, Atanasov, Angelov, Petkov, Marinov, Kolev, Yordanov, Popov, Stefanov,
            Mihaylov, Krastev, Kostov, Dimov, Tsvetkov, Zhelev, Pavlov, Rusev"""),
        places=_split("""Sofia, Plovdiv, Varna, Burgas, Sliven, Pazardzhik, Pleven, Stara Zagora,
            Shumen, Yambol, Haskovo, Montana"""),
        calling_code="359",
        eu=True,
        spelling_variants=(
            ("ov", "off"),
            ("ev", "eff"),
            ("Y", "J"),
            ("y", "i"),
            ("Hr", "Chr"),
            ("Ts", "C"),
            ("zh", "j"),
        ),
    ),
    "NG": NameList(
        female=_split("""Blessing, Joy, Precious, Favour, Gift, Mercy, Faith, Esther, Gloria,
            Peace, Patience, Osas, Ivie, Efe, Chioma, Ngozi, Adaeze, Funmilayo, Aisha, Amaka,
            Ifeoma, Oghogho, Eki, Princess, Stella, Success, Vivian, Osarugue"""),
        male=_split("""Emmanuel, Osagie, Chukwuemeka, Oluwaseun, Ibrahim, Godwin, Sunday,
            Friday, Osaro, Efosa, Ikenna, Tunde, Uche, Babatunde, Daniel, Samuel, Kelvin, Victor,
            Ehis, Nosa, Obinna, Chinedu, Musa, Segun"""),
        family=_split("""Osagie, Okonkwo, Adeyemi, Eze, Okafor, Igbinosa, Omoregie, Osaze, Edosa,
            Obaseki, Ogbeide, Uwaifo, Nwosu, Nwachukwu, Ibekwe, Adebayo, Okoro, Ogunleye, Aigbe,
            Ehigiator, Idahosa, Iyamu, Okojie, Eghosa, Balogun, Olawale, Egharevba, Ighodaro"""),
        places=_split("""Benin City, Lagos, Abuja, Ibadan, Enugu, Onitsha, Port Harcourt, Warri,
            Kano, Owerri, Ekpoma, Uromi"""),
        calling_code="234",
        spelling_variants=(("Osa", "Ossa"), ("gh", "g"), ("ie", "ye"), ("Ch", "C"), ("u", "oo")),
    ),
    "UA": NameList(
        female=_split("""Olena, Oksana, Iryna, Nataliia, Tetiana, Yuliia, Kateryna, Anastasiia,
            Olha, Svitlana, Mariia, Viktoriia, Halyna, Liudmyla, Daryna, Sofiia, Khrystyna,
            Valentyna, Alina, Inna, Larysa, Nadiia, Yana, Zoriana"""),
        male=_split("""Oleksandr, Andrii, Serhii, Volodymyr, Dmytro, Mykola, Ivan, Vasyl, Yurii,
            Oleh, Ihor, Taras, Bohdan, Mykhailo, Petro, Maksym, Vitalii, Roman, Yevhen, Artem,
            Denys, Vadym, Hryhorii, Stepan"""),
        family=_split("""Shevchenko, Kovalenko, Bondarenko, Tkachenko, Kravchenko, Oliinyk,
            Shevchuk, Koval, Polishchuk, Bondar, Tkachuk, Moroz, Marchenko, Lysenko, Rudenko,
            Savchenko, Petrenko, Klymenko, Pavlenko, Kravets, Melnyk, Boiko, Kovalchuk,
            Ponomarenko, Kuzmenko, Havryliuk, Hrytsenko, Sydorenko"""),
        places=_split("""Kyiv, Kharkiv, Odesa, Dnipro, Lviv, Zaporizhzhia, Mykolaiv, Kherson,
            Chernivtsi, Poltava, Vinnytsia, Zhytomyr"""),
        calling_code="380",
        spelling_variants=(
            ("Oleks", "Aleks"),
            ("kh", "ch"),
            ("iia", "iya"),
            ("ii", "iy"),
            ("Yu", "Ju"),
            ("Ye", "E"),
            ("H", "G"),
            ("y", "i"),
            ("shch", "sch"),
            ("ch", "tsj"),
        ),
    ),
    "VN": NameList(
        female=_split("""Thị Lan, Thị Hương, Thị Mai, Thị Hoa, Thị Thu, Ngọc Anh, Thu Trang,
            Thị Hằng, Thị Nga, Thị Linh, Minh Châu, Thanh Hà, Thị Phương, Thị Yến, Kim Ngân,
            Thị Thảo, Bích Ngọc, Thị Dung, Thùy Dương, Thị Tuyết, Hồng Nhung, Thị Vân, Diệu Linh,
            Thị Loan"""),
        male=_split("""Văn Hùng, Văn Minh, Đức Anh, Văn Nam, Quang Huy, Văn Tuấn, Minh Đức,
            Văn Long, Thanh Tùng, Văn Dũng, Hoàng Nam, Văn Thắng, Quốc Bảo, Văn Hải, Văn Cường,
            Minh Khoa, Văn Sơn, Văn Phúc, Hữu Tài, Văn Khánh, Trung Kiên, Đức Thịnh, Văn Quang,
            Bảo Long"""),
        family=_split("""Nguyễn, Trần, Lê, Phạm, Hoàng, Huỳnh, Phan, Vũ, Võ, Đặng, Bùi, Đỗ, Hồ,
            Ngô, Dương, Lý, Đinh, Trương, Lâm, Mai, Tạ, Cao, Lương, Trịnh"""),
        places=_split("""Hà Nội, Hải Phòng, Nghệ An, Hà Tĩnh, Quảng Bình, Thanh Hóa,
            Hồ Chí Minh, Đà Nẵng, Nam Định, Thái Bình"""),
        calling_code="84",
        family_first=True,
        spelling_variants=(
            ("Thị ", ""),
            ("Văn ", ""),
            ("Đ", "D"),
            ("ư", "u"),
            ("Nguyễn", "Nguyen"),
        ),
    ),
    "ER": NameList(
        female=_split("""Helen, Selam, Senait, Saba, Mebrat, Tsega, Yordanos, Rahel, Hiwet,
            Semhar, Ruta, Luwam, Feven, Winta, Hanna, Freweyni, Tirhas, Abeba, Merhawit, Eden,
            Lidya, Aster, Mihret, Simret"""),
        male=_split("""Yonas, Tesfay, Dawit, Samuel, Habtom, Filmon, Kibrom, Mehari, Berhane,
            Yohannes, Amanuel, Biniam, Teklay, Henok, Mussie, Efrem, Aron, Natnael, Goitom,
            Robel, Michael, Daniel, Tekle, Haile"""),
        family=_split("""Tesfamariam, Gebremedhin, Habte, Tekle, Berhe, Kidane, Ghebreyesus,
            Woldemariam, Asmerom, Mebrahtu, Haile, Tesfay, Ghirmay, Weldu, Andemariam, Kahsay,
            Abraha, Hagos, Gebreselassie, Tsegay, Zerezghi, Mehreteab, Fessehaye, Yemane"""),
        places=_split("""Asmara, Keren, Massawa, Mendefera, Dekemhare, Adi Keyh, Barentu, Assab,
            Teseney, Adi Quala"""),
        calling_code="291",
        spelling_variants=(
            ("Gebre", "Ghebre"),
            ("Ghebre", "Gebre"),
            ("ay", "aye"),
            ("Wolde", "Welde"),
            ("mariam", "maryam"),
            ("Haile", "Hayle"),
            ("ts", "tz"),
        ),
    ),
    "HU": NameList(
        female=_split("""Anna, Katalin, Erzsébet, Mária, Ildikó, Zsuzsanna, Éva, Judit,
            Krisztina, Andrea, Ágnes, Eszter, Viktória, Szilvia, Noémi, Réka, Dóra, Boglárka,
            Tímea, Hajnalka, Anikó, Gabriella, Nikolett, Renáta"""),
        male=_split("""László, István, József, János, Zoltán, Sándor, Gábor, Ferenc, Attila,
            Péter, Tamás, Zsolt, Tibor, Csaba, Balázs, Norbert, Róbert, Gergő, Bence, Dániel,
            Krisztián, Levente, Ákos, Imre"""),
        family=_split("""Nagy, Kovács, Tóth, Szabó, Horváth, Varga, Kiss, Molnár, Németh,
            Farkas, Balogh, Papp, Takács, Juhász, Lakatos, Mészáros, Oláh, Simon, Rácz, Fekete,
            Szilágyi, Török, Fehér, Gál, Kis, Szűcs, Kocsis, Orsós, Pintér"""),
        places=_split("""Budapest, Debrecen, Miskolc, Szeged, Pécs, Nyíregyháza, Ózd, Kecskemét,
            Szolnok, Salgótarján"""),
        calling_code="36",
        eu=True,
        family_first=True,
        spelling_variants=(("cs", "ch"), ("sz", "s"), ("zs", "zh"), ("gy", "dj"), ("ly", "j")),
    ),
    "MA": NameList(
        female=_split("""Fatima, Khadija, Aicha, Meryem, Salma, Nadia, Samira, Latifa, Hanane,
            Imane, Soukaina, Naima, Zineb, Houda, Karima, Siham, Loubna, Ikram, Hajar, Malika,
            Amina, Rachida, Najat, Yasmina"""),
        male=_split("""Mohamed, Ahmed, Youssef, Hassan, Said, Mustapha, Abdelkader, Rachid,
            Khalid, Hamza, Omar, Ayoub, Mehdi, Bilal, Karim, Anouar, Nabil, Driss, Hicham,
            Mourad, Adil, Soufiane, Ilias, Brahim"""),
        family=_split("""El Amrani, Benali, El Idrissi, Bouzid, Alaoui, Haddad, Chaoui, Ouali,
            El Khatib, Bakkali, Tahiri, Zouhair, El Fassi, Berrada, Lahlou, Azzouzi, Belhaj,
            Ouahbi, Mansouri, Rahmouni, Essaidi, El Hamdaoui, Boukhari, Ait Taleb"""),
        places=_split("""Casablanca, Tanger, Nador, Al Hoceima, Fès, Rabat, Oujda, Tétouan,
            Marrakech, Meknès"""),
        calling_code="212",
        spelling_variants=(
            ("Moham", "Muham"),
            ("med", "mmed"),
            ("ou", "oe"),
            ("El ", "El-"),
            ("ch", "sh"),
            ("ss", "s"),
            ("Y", "J"),
        ),
    ),
    "CN": NameList(
        female=_split("""Xiuying, Jing, Mei, Fang, Yan, Ling, Xiaoyan, Hui, Lan, Yuxin, Jiayi,
            Min, Qian, Ying, Xue, Hong, Juan, Ting, Yue, Lina, Wenjing, Shu, Dan, Xiaomei"""),
        male=_split("""Wei, Jun, Lei, Qiang, Yong, Jie, Tao, Ming, Chao, Hao, Bo, Peng, Gang,
            Jian, Xin, Zhiwei, Haoran, Yi, Long, Fei, Bin, Kai, Dong, Jianguo"""),
        family=_split("""Wang, Li, Zhang, Liu, Chen, Yang, Huang, Zhao, Wu, Zhou, Xu, Sun, Ma,
            Zhu, Hu, Guo, He, Lin, Gao, Luo, Zheng, Liang, Xie, Tang"""),
        places=_split("""Fuzhou, Wenzhou, Guangzhou, Shenyang, Beijing, Shanghai, Harbin,
            Changsha, Chengdu, Qingtian"""),
        calling_code="86",
        family_first=True,
        spelling_variants=(
            ("Zh", "Ch"),
            ("X", "Hs"),
            ("Q", "Ch"),
            ("Chen", "Chan"),
            ("Huang", "Wong"),
            ("Lin", "Lam"),
            ("Zhou", "Chow"),
            ("Li", "Lee"),
        ),
    ),
    "BR": NameList(
        female=_split("""Ana, Maria, Juliana, Fernanda, Patrícia, Aline, Camila, Bruna, Larissa,
            Jéssica, Amanda, Letícia, Gabriela, Vanessa, Tatiane, Daniela, Priscila, Renata,
            Carla, Beatriz, Luana, Raquel"""),
        male=_split("""João, José, Carlos, Paulo, Lucas, Gabriel, Rafael, Pedro, Marcos, Thiago,
            Felipe, Bruno, Rodrigo, Diego, André, Leandro, Fábio, Eduardo, Vinícius, Matheus,
            Gustavo, Anderson"""),
        family=_split("""Silva, Santos, Oliveira, Souza, Rodrigues, Ferreira, Alves, Pereira,
            Lima, Gomes, Costa, Ribeiro, Martins, Carvalho, Almeida, Lopes, Soares, Fernandes,
            Vieira, Barbosa, Rocha, Dias, Nascimento, Moreira, da Silva Santos"""),
        places=_split("""São Paulo, Rio de Janeiro, Belo Horizonte, Salvador, Recife, Goiânia,
            Fortaleza, Belém, Manaus, Curitiba"""),
        calling_code="55",
        spelling_variants=(("ph", "f"), ("Th", "T"), ("ss", "s"), ("z", "s")),
    ),
    "PH": NameList(
        female=_split("""Maria, Kristine, Joy, Mary Grace, Jennifer, Rowena, Marites, Jocelyn,
            Analyn, Rosalie, Lorna, Maricel, Cherry, Jasmine, Angelica, Rachelle, Marivic,
            Lovely, Gemma, Arlene, Divina, Shiela"""),
        male=_split("""Jose, Juan, Mark, John Paul, Ramon, Rodel, Jomar, Noel, Reynaldo, Arnel,
            Ronaldo, Jerome, Christian, Ricardo, Rommel, Edwin, Joel, Dennis, Jayson, Alvin,
            Efren, Randy"""),
        family=_split("""Santos, Reyes, Cruz, Bautista, Ocampo, Garcia, Mendoza, Torres, Tomas,
            Andrada, Castillo, Flores, Villanueva, Ramos, Castro, Rivera, Aquino, Navarro,
            Salazar, Mercado, Dela Cruz, De Leon, Manalo, Pascual"""),
        places=_split("""Manila, Quezon City, Cebu City, Davao, Iloilo, Baguio, Bacolod,
            Tacloban"""),
        calling_code="63",
        spelling_variants=(("Dela ", "De la "), ("y", "i"), ("ie", "ei"), ("Jay", "Jai")),
    ),
    "UG": NameList(
        female=_split("""Sarah, Grace, Prossy, Harriet, Esther, Sylvia, Florence, Agnes, Annet,
            Immaculate, Juliet, Brenda, Doreen, Irene, Mariam, Shamim, Winnie, Rebecca, Betty,
            Scovia, Ruth, Phiona"""),
        male=_split("""Moses, John, Joseph, Patrick, Isaac, Ronald, Brian, Denis, Emmanuel,
            Geoffrey, Godfrey, Henry, Ivan, Julius, Kenneth, Lawrence, Paul, Robert, Samuel,
            Simon, Tonny, Hassan"""),
        family=_split("""Nakato, Mukasa, Ssemwanga, Okello, Namubiru, Kato, Wasswa, Nsubuga,
            Byaruhanga, Tumusiime, Mugisha, Nabukenya, Kiggundu, Lubega, Opio, Akello, Atim,
            Kyomuhendo, Asiimwe, Nalwoga, Ssekandi, Mutebi, Namatovu"""),
        places=_split("Kampala, Jinja, Mbarara, Gulu, Masaka, Mbale, Entebbe, Lira"),
        calling_code="256",
        spelling_variants=(("Ss", "S"), ("ph", "f"), ("ey", "y"), ("y", "i")),
    ),
}

PLACE_VARIANTS: dict[str, str] = {
    "Den Haag": "'s-Gravenhage",
    "Warszawa": "Warsaw",
    "Kraków": "Krakau",
    "București": "Bucharest",
    "Kyiv": "Kiev",
    "Kharkiv": "Kharkov",
    "Odesa": "Odessa",
    "Lviv": "Lvov",
    "Benin City": "Benin",
    "Hà Nội": "Hanoi",
    "Hồ Chí Minh": "Saigon",
    "Tanger": "Tangier",
    "Fès": "Fez",
    "Beijing": "Peking",
    "Asmara": "Asmera",
    "Sofia": "Sofiya",
}
"""Exonyms and older spellings of places of birth, as a second organisation may write them."""


def gendered_family_name(nationality: str, family_name: str, female: bool) -> str:
    """Slavic family names take a feminine ending; lists hold the masculine form."""
    if not female:
        return family_name
    if nationality == "PL" and family_name.endswith(("ski", "cki", "dzki")):
        return family_name[:-1] + "a"
    if nationality == "BG" and family_name.endswith(("ov", "ev")):
        return family_name + "a"
    return family_name

"""Word lists for demo customers around Springfield, Illinois: names, streets, towns and phone exchanges."""

from __future__ import annotations

FIRST_NAMES = (
    "James", "Mary", "Michael", "Patricia", "William", "Jennifer", "David", "Linda", "Richard", "Elizabeth",
    "Joseph", "Barbara", "Thomas", "Susan", "Charles", "Jessica", "Christopher", "Karen", "Daniel", "Nancy",
    "Matthew", "Lisa", "Anthony", "Betty", "Mark", "Margaret", "Donald", "Sandra", "Steven", "Ashley",
    "Paul", "Kimberly", "Andrew", "Emily", "Joshua", "Donna", "Kenneth", "Michelle", "Kevin", "Carol",
    "Brian", "Amanda", "George", "Dorothy", "Timothy", "Melissa", "Ronald", "Deborah", "Edward", "Stephanie",
    "Jason", "Rebecca", "Jeffrey", "Sharon", "Ryan", "Laura", "Jacob", "Cynthia", "Gary", "Kathleen",
    "Nicholas", "Amy", "Eric", "Angela", "Jonathan", "Shirley", "Stephen", "Anna", "Larry", "Brenda",
    "Justin", "Pamela", "Scott", "Emma", "Brandon", "Nicole", "Benjamin", "Helen", "Samuel", "Samantha",
    "Gregory", "Katherine", "Alexander", "Christine", "Frank", "Debra", "Patrick", "Rachel", "Raymond",
    "Carolyn", "Jack", "Janet", "Dennis", "Catherine", "Jerry", "Maria", "Tyler", "Heather", "Aaron", "Diane",
    "Jose", "Ruth", "Adam", "Julie", "Nathan", "Olivia", "Henry", "Joyce", "Douglas", "Virginia", "Zachary",
    "Victoria", "Peter", "Kelly", "Kyle", "Lauren", "Ethan", "Christina", "Walter", "Joan", "Noah", "Evelyn",
    "Jeremy", "Judith", "Christian", "Megan", "Keith", "Andrea", "Roger", "Cheryl", "Terry", "Hannah",
    "Gerald", "Jacqueline", "Harold", "Martha", "Sean", "Gloria", "Austin", "Teresa", "Carl", "Ann",
    "Arthur", "Sara", "Lawrence", "Madison", "Dylan", "Frances", "Jesse", "Kathryn", "Jordan", "Janice",
    "Bryan", "Jean", "Billy", "Abigail", "Bruce", "Alice", "Gabriel", "Julia", "Logan", "Judy", "Alan",
    "Sophia", "Juan", "Grace", "Wayne", "Denise", "Roy", "Amber", "Ralph", "Doris", "Randy", "Marilyn",
    "Eugene", "Danielle", "Vincent", "Beverly", "Russell", "Isabella", "Elijah", "Theresa", "Louis", "Diana",
    "Bobby", "Natalie", "Philip", "Brittany", "Johnny", "Charlotte", "Marcus", "Rosa", "Luis", "Kayla",
)  # fmt: skip

LAST_NAMES = (
    "Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Rodriguez", "Martinez",
    "Hernandez", "Lopez", "Gonzalez", "Wilson", "Anderson", "Thomas", "Taylor", "Moore", "Jackson", "Martin",
    "Lee", "Perez", "Thompson", "White", "Harris", "Sanchez", "Clark", "Ramirez", "Lewis", "Robinson",
    "Walker", "Young", "Allen", "King", "Wright", "Scott", "Torres", "Nguyen", "Hill", "Flores", "Green",
    "Adams", "Nelson", "Baker", "Hall", "Rivera", "Campbell", "Mitchell", "Carter", "Roberts", "Gomez",
    "Phillips", "Evans", "Turner", "Diaz", "Parker", "Cruz", "Edwards", "Collins", "Reyes", "Stewart",
    "Morris", "Morales", "Murphy", "Cook", "Rogers", "Gutierrez", "Ortiz", "Morgan", "Cooper", "Peterson",
    "Bailey", "Reed", "Kelly", "Howard", "Ramos", "Kim", "Cox", "Ward", "Richardson", "Watson", "Brooks",
    "Chavez", "Wood", "James", "Bennett", "Gray", "Mendoza", "Ruiz", "Hughes", "Price", "Alvarez", "Castillo",
    "Sanders", "Patel", "Myers", "Long", "Ross", "Foster", "Jimenez", "Powell", "Jenkins", "Perry", "Russell",
    "Sullivan", "Bell", "Coleman", "Butler", "Henderson", "Barnes", "Gonzales", "Fisher", "Vasquez", "Simmons",
    "Romero", "Jordan", "Patterson", "Alexander", "Hamilton", "Graham", "Reynolds", "Griffin", "Wallace",
    "Moreno", "West", "Cole", "Hayes", "Bryant", "Herrera", "Gibson", "Ellis", "Tran", "Medina", "Aguilar",
    "Stevens", "Murray", "Ford", "Castro", "Marshall", "Owens", "Harrison", "Fernandez", "McDonald", "Woods",
    "Washington", "Kennedy", "Wells", "Vargas", "Henry", "Chen", "Freeman", "Webb", "Tucker", "Guzman",
    "Burns", "Crawford", "Olson", "Simpson", "Porter", "Hunter", "Gordon", "Mendez", "Silva", "Shaw", "Snyder",
    "Mason", "Dixon", "Munoz", "Hunt", "Hicks", "Holmes", "Palmer", "Wagner", "Black", "Robertson", "Boyd",
    "Rose", "Stone", "Salazar", "Fox", "Warren", "Mills", "Meyer", "Rice", "Schmidt", "Garza", "Daniels",
    "Ferguson", "Nichols", "Stephens", "Soto", "Weaver", "Ryan", "Gardner", "Payne", "Grant", "Dunn", "Kelley",
    "Spencer", "Hawkins", "Arnold", "Pierce", "Hansen", "Peters", "Santos", "Hart", "Bradley", "Knight",
    "Elliott", "Cunningham", "Duncan", "Armstrong", "Hudson", "Carroll", "Lane", "Riley", "Andrews", "Ray",
    "Berry", "Perkins", "Hoffman", "Johnston", "Matthews", "Pena", "Richards", "Willis", "Carpenter", "Lawrence",
    "Sandoval", "Koch", "Schroeder", "Becker", "Lindqvist", "Kowalski", "Novak", "Brennan", "O'Connor", "Quinn",
)  # fmt: skip

# Names the seed guide uses: Robert Johnson is generated on purpose, Sarah Williams must be a new caller.
RESERVED_NAMES = frozenset({"Robert Johnson", "Sarah Williams"})

BUSINESS_PREFIXES = (
    "Capitol", "Lincoln", "Prairie", "Sangamon", "Lakeside", "Washington Park", "Westside", "Old Capitol",
    "Route 66", "Cardinal", "Heartland", "Midwest", "Illini", "Oak Ridge", "Southtown", "Northgate",
    "Leland Grove", "Jerome", "Riverton", "Lake Springfield", "Bunn Park", "Enos Park", "Vinegar Hill",
    "Walnut Street", "Monroe Street", "Iles Park", "Cherry Hills", "Sunrise", "Harvest", "Main Street",
)  # fmt: skip

BUSINESS_KINDS = (
    "Dental", "Family Pharmacy", "Auto Repair", "Bakery", "Diner", "Veterinary Clinic", "Hardware",
    "Insurance Agency", "Law Office", "Fitness Center", "Daycare", "Apartments", "Community Church",
    "Barbershop", "Florist", "Pizza", "Chiropractic", "Print Shop", "Coffee House", "Self Storage",
    "Animal Hospital", "Dry Cleaners", "Tavern", "Hair Studio", "Bookstore", "Optometry", "Laundromat",
    "Preschool", "Credit Union", "Tire & Auto",
)  # fmt: skip

STREETS = (
    "Main St", "S Grand Ave", "N Grand Ave", "W Washington St", "E Washington St", "Chatham Rd",
    "Wabash Ave", "S MacArthur Blvd", "W Lawrence Ave", "W Monroe St", "E Adams St", "N Walnut St",
    "S Spring St", "W Cook St", "W Edwards St", "E Jefferson St", "Old Jacksonville Rd", "W Iles Ave",
    "Stevenson Dr", "Koke Mill Rd", "Archer Elevator Rd", "Bruns Ln", "E Sangamon Ave", "N Dirksen Pkwy",
    "Peoria Rd", "Converse Ave", "S 2nd St", "S 4th St", "S 6th St", "S 9th St", "N 11th St", "S Durkin Dr",
    "Toronto Rd", "W Jefferson St", "S Wiggins Ave", "Outer Park Dr", "Bittle Pl", "W Laurel St",
    "S Glenwood Ave", "Lindbergh Blvd", "Ash St", "Oak St", "Elm St", "Maple Ave", "Cedar St", "Pine St",
    "Park Ave", "Lake Dr", "Meadowbrook Rd", "Hazel Dell Rd", "Fairway Dr", "Country Club Dr", "Prairie Ln",
    "Willow Ln", "Cherry Rd", "Kensington Dr", "Woodland Ave", "Hillcrest Dr", "Sunset Dr", "Birchwood Ln",
)  # fmt: skip

# (city, weight, ZIP codes): most customers live in Springfield, the rest in the towns around it.
TOWNS = (
    ("Springfield", 76, ("62701", "62702", "62703", "62704", "62707", "62711", "62712")),
    ("Chatham", 10, ("62629",)),
    ("Rochester", 7, ("62563",)),
    ("Sherman", 7, ("62684",)),
)

UNIT_PREFIXES = ("Apt", "Unit", "Suite")

# Springfield (217) exchanges; each gives 10,000 numbers, handed out in a shuffled order.
PHONE_AREA = "217"
PHONE_EXCHANGES = (
    "414", "416", "483", "492", "494", "496", "502", "503", "522", "523", "524", "525", "528", "529", "535",
    "544", "546", "553", "572", "585", "598", "629", "698", "726", "753", "757", "787", "788", "789", "793",
)  # fmt: skip

EMAIL_DOMAINS = ("example.com", "example.net", "example.org")

SPECIAL_INSTRUCTIONS = (
    "Dog in the backyard; please use the front door.",
    "Gate code 4512.",
    "Please call 15 minutes before arrival.",
    "Park in the driveway, not on the street.",
    "Side entrance; the doorbell does not work.",
    "Tenant will let you in.",
)
